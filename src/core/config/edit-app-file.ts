// Edits of one app file (`<env>/apps/<app>.yaml`) as text, for `config set|unset`, `scale` and
// secrets: comments, key order and untouched lines kept; values written so they read back
// exactly; the result schema-valid or refused. Pure: the caller reads and commits the file.
import { isMap, isScalar, isSeq, type Document } from 'yaml';
import { ErrorCode, NestorError } from '../errors.js';
import { appConfigBase } from './app-config.js';
import { ensureMap, deletePruning, openAppFile, setScalar, writeAppFile, type Path } from './app-file-document.js';
import { isPlainObject } from './config-file.js';
import type { ConfigTree } from './config-tree.js';
import { checkAssignment, checkVariableName, type ScaleSpec } from './edit-args.js';
import type { MergedConfig } from './schema.js';

export { parseAssignments, parseScaleSpecs, type ScaleSpec } from './edit-args.js';

export interface AppFileContext {
  /** The file's path in nestor-config, for error messages. Default `apps/<app>.yaml`. */
  path?: string;
  /** What every other layer gives the app: the merge without this file (see inheritedConfig). */
  inherited?: Partial<MergedConfig>;
}

type Expected = Array<{ path: Path; value: unknown }>;

/** The merge of every layer of `app` in `env` except `<env>/apps/<app>.yaml` itself. */
export function inheritedConfig(tree: ConfigTree, app: string, env: string): Partial<MergedConfig> {
  return appConfigBase(tree, app, env).inherited as Partial<MergedConfig>;
}

const pathOf = (context: AppFileContext): string => context.path ?? 'apps/<app>.yaml';

/** Groups of `variables` in the file that hold `key` (even as null). */
function groupsInFile(doc: Document, key: string): string[] {
  const variables = doc.getIn(['variables'], true);
  if (!isMap(variables)) return [];
  return variables.items.flatMap((pair) => {
    const group = isScalar(pair.key) ? String(pair.key.value) : '';
    return isMap(pair.value) && pair.value.has(key) ? [group] : [];
  });
}

/** Groups in which the other layers give `key` a value. */
function inheritedGroups(context: AppFileContext, key: string): string[] {
  return Object.entries(context.inherited?.variables ?? {}).flatMap(([group, vars]) =>
    isPlainObject(vars) && vars[key] !== null && vars[key] !== undefined ? [group] : [],
  );
}

/**
 * Sets variables. A key already in a group (of this file or inherited) is set in that group, so
 * one key never gets two values; a new key goes to `group` (usually `app`).
 */
export function setVariables(text: string | undefined, group: string, entries: Record<string, string>, context: AppFileContext = {}): string {
  const doc = openAppFile(text, pathOf(context));
  const expected: Expected = [];
  let changed = false;
  for (const [key, value] of Object.entries(entries)) {
    checkAssignment(key, value);
    const found = [...new Set([...groupsInFile(doc, key), ...inheritedGroups(context, key)])];
    for (const target of found.length > 0 ? found : [group]) {
      ensureMap(doc, ['variables', target], context.inherited);
      changed = setScalar(doc, ['variables', target, key], value) || changed;
      expected.push({ path: ['variables', target, key], value });
    }
  }
  return changed || text === undefined ? writeAppFile(text, doc, pathOf(context), expected) : text;
}

/**
 * Unsets variables wherever they are: removed from this file, and written `KEY: null` where
 * another layer (an ancestor environment, a project.yaml) gives them a value. A key set nowhere
 * is refused.
 */
export function unsetVariables(text: string | undefined, keys: readonly string[], context: AppFileContext = {}): string {
  const doc = openAppFile(text, pathOf(context));
  const expected: Expected = [];
  keys.forEach(checkVariableName);
  const missing = keys.filter((key) => groupsInFile(doc, key).length === 0 && inheritedGroups(context, key).length === 0);
  if (missing.length > 0) throw new NestorError(ErrorCode.BadInput, `not set, so nothing to unset: ${missing.join(', ')}`);
  let changed = false;
  for (const key of keys) {
    const inherited = inheritedGroups(context, key);
    for (const group of groupsInFile(doc, key).filter((g) => !inherited.includes(g))) {
      deletePruning(doc, ['variables', group, key]);
      expected.push({ path: ['variables', group, key], value: undefined });
      changed = true;
    }
    for (const group of inherited) {
      ensureMap(doc, ['variables', group], context.inherited);
      changed = setScalar(doc, ['variables', group, key], null) || changed;
      expected.push({ path: ['variables', group, key], value: null });
    }
  }
  return changed || text === undefined ? writeAppFile(text, doc, pathOf(context), expected) : text;
}

/** Sets `scales.<process>.minReplicas|maxReplicas`, keeping the process's other settings. */
export function setScales(text: string | undefined, specs: readonly ScaleSpec[], context: AppFileContext = {}): string {
  const doc = openAppFile(text, pathOf(context));
  const expected: Expected = [];
  let changed = false;
  for (const { process, min, max } of specs) {
    ensureMap(doc, ['scales', process], context.inherited);
    for (const [field, value] of [['minReplicas', min], ['maxReplicas', max]] as const) {
      changed = setScalar(doc, ['scales', process, field], value) || changed;
      expected.push({ path: ['scales', process, field], value });
    }
  }
  return changed || text === undefined ? writeAppFile(text, doc, pathOf(context), expected) : text;
}

/** The names of the `secrets:` list: this file's, else the inherited one (a list replaces, it does not merge). */
function secretList(doc: Document, context: AppFileContext): string[] {
  const own = doc.getIn(['secrets'], true);
  if (isSeq(own)) return own.items.map((item) => (isScalar(item) ? String(item.value) : String(item)));
  return own === undefined ? [...(context.inherited?.secrets ?? [])] : [];
}

function writeSecrets(text: string | undefined, doc: Document, names: string[], context: AppFileContext): string {
  const own = doc.getIn(['secrets'], true);
  const inherited = context.inherited?.secrets ?? [];
  if (names.length === 0 && inherited.length === 0) {
    doc.delete('secrets');
    return writeAppFile(text, doc, pathOf(context), [{ path: ['secrets'], value: undefined }]);
  }
  if (isSeq(own)) {
    own.items = own.items.filter((item) => names.includes(isScalar(item) ? String(item.value) : String(item)));
    for (const name of names.filter((n) => !own.items.some((item) => isScalar(item) && item.value === n))) own.add(doc.createNode(name));
  } else {
    doc.set('secrets', doc.createNode(names));
  }
  return writeAppFile(text, doc, pathOf(context), [{ path: ['secrets'], value: names }]);
}

/** Adds names to the `secrets:` list (starting from the inherited list when the file has none). */
export function addSecretNames(text: string | undefined, names: readonly string[], context: AppFileContext = {}): string {
  names.forEach(checkVariableName);
  const doc = openAppFile(text, pathOf(context));
  const current = secretList(doc, context);
  const added = [...new Set(names)].filter((n) => !current.includes(n));
  if (added.length === 0 && (doc.has('secrets') || current.length === 0)) return text ?? writeAppFile(text, doc, pathOf(context), []);
  return writeSecrets(text, doc, [...current, ...added], context);
}

/** Removes names from the `secrets:` list; names not listed are ignored. */
export function removeSecretNames(text: string | undefined, names: readonly string[], context: AppFileContext = {}): string {
  names.forEach(checkVariableName);
  const doc = openAppFile(text, pathOf(context));
  const current = secretList(doc, context);
  const kept = current.filter((n) => !names.includes(n));
  if (kept.length === current.length) return text ?? writeAppFile(text, doc, pathOf(context), []);
  return writeSecrets(text, doc, kept, context);
}
