// Parse rendered template text (values still tokens) into YAML documents. The same template with
// the same block structure gives the same text, so parsed skeletons are cached and shared.
import yaml from 'js-yaml';
import { ErrorCode, NestorError } from '../errors.js';
import { siteOf, tokenOffsets, type ValueTable } from './tokens.js';

const MAX_CACHED = 512;

export class SkeletonCache {
  private readonly byText = new Map<string, unknown[]>();

  /** `labelOf` names a template (this one or a partial) in errors. */
  constructor(private readonly label: string, private readonly labelOf: (template: string) => string) {}

  parse(text: string, table: ValueTable): unknown[] {
    const hit = this.byText.get(text);
    if (hit) return hit;
    const docs = parseDocuments(text, table, this.label, this.labelOf);
    if (this.byText.size >= MAX_CACHED) this.byText.clear();
    this.byText.set(text, docs);
    return docs;
  }
}

function parseDocuments(text: string, table: ValueTable, label: string, labelOf: (template: string) => string): unknown[] {
  try {
    // CORE_SCHEMA: no timestamps, no `<<` merge keys, no custom tags; plain YAML 1.2 scalars.
    return yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA }).filter((d) => d !== null && d !== undefined);
  } catch (e) {
    if (!(e instanceof yaml.YAMLException)) throw e;
    const where = templateLine(text, e.mark.position, table, labelOf) ?? { file: label, line: e.mark.line + 1 };
    throw new NestorError(ErrorCode.RenderFailed, `${where.file} line ${where.line}: YAML syntax error: ${e.reason}`, {
      cause: e,
    });
  }
}

/** The template file and line of an error offset in rendered text: from the nearest token before it. */
function templateLine(text: string, position: number, table: ValueTable, labelOf: (template: string) => string): { file: string; line: number } | undefined {
  const before = tokenOffsets(text).filter((t) => t.offset <= position);
  const last = before[before.length - 1];
  if (!last) return undefined;
  const site = siteOf(table.sites[last.index]);
  if (!site) return undefined;
  const between = text.slice(last.offset, position);
  return { file: labelOf(site.template), line: site.line + (between.match(/\n/g)?.length ?? 0) };
}
