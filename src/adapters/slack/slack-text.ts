// The text of a slash command as Slack sends it back into what the user typed: Slack escapes
// &, < and > and may wrap links, channels and users as <https://x|label>, <#C1|name>, <@U1|name>.
const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

function unwrap(inner: string): string {
  const [target = '', label] = inner.split('|', 2);
  if (target.startsWith('mailto:')) return label ?? target.slice('mailto:'.length);
  if (target.startsWith('@') || target.startsWith('#') || target.startsWith('!')) return label ?? target;
  return target;
}

const WRAPPED_OR_ESCAPED = /[<&]/;

export function slashCommandText(raw: string): string {
  if (!WRAPPED_OR_ESCAPED.test(raw)) return raw;
  return raw.replace(/<([^<>]*)>/g, (_m, inner: string) => unwrap(inner)).replace(/&(amp|lt|gt);/g, (e) => ENTITIES[e] ?? e);
}
