// `nestor env use`: the kubeconfig's current context and that context's namespace, set as
// `kubectl config use-context` and `kubectl config set-context --current --namespace` set them.
// The file is edited as a YAML document (the `yaml` package) and only those two values change:
// client-node's KubeConfig would write back only what it models (dropping extensions,
// preferences, some exec-plugin fields and every comment), and running kubectl would make the
// helpers need it installed. Written to a temporary file then renamed: never half-written.
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { isMap, isSeq, parseDocument } from 'yaml';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import { closestWord } from '../../../core/text/did-you-mean.js';

export interface ContextChoice {
  context: string;
  namespace: string;
}

export interface ContextChange extends ContextChoice {
  path: string;
  /** What was current before (undefined: no current context). */
  before: { context: string; namespace?: string } | undefined;
}

function bad(path: string, message: string): NestorError {
  return new NestorError(ErrorCode.ConfigInvalid, `kubeconfig ${path}: ${message}`);
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new NestorError(ErrorCode.ConfigInvalid, `cannot read kubeconfig ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}

export async function useContext(path: string, choice: ContextChoice): Promise<ContextChange> {
  const doc = parseDocument(await readText(path));
  if (doc.errors.length > 0) throw bad(path, `not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`);
  const contexts = doc.get('contexts');
  if (!isSeq(contexts)) throw bad(path, 'it has no contexts');
  const entries = contexts.items.filter(isMap);
  const names = entries.map((e) => String(e.get('name')));
  const entry = entries[names.indexOf(choice.context)];
  if (!entry) {
    const guess = closestWord(choice.context, names);
    throw bad(path, `no context named "${choice.context}"${guess ? `; did you mean "${guess}"?` : ''} (known: ${names.join(', ') || 'none'})`);
  }
  const current = doc.get('current-context');
  const currentEntry = entries[names.indexOf(String(current))];
  const before = typeof current === 'string' && current !== ''
    ? { context: current, ...(currentEntry?.getIn(['context', 'namespace']) ? { namespace: String(currentEntry.getIn(['context', 'namespace'])) } : {}) }
    : undefined;
  entry.setIn(['context', 'namespace'], choice.namespace);
  doc.set('current-context', choice.context);
  const mode = (await stat(path)).mode & 0o777;
  const temporary = `${path}.nestor-${process.pid}.tmp`;
  await writeFile(temporary, doc.toString(), { mode });
  await rename(temporary, path);
  return { path, ...choice, before };
}
