// The frame of every page of the web view: its title, the navigation, who is signed in (with a
// sign-out button), and one small style sheet: text at least 4.5:1 against its background, the
// keyboard focus always outlined, marks that say what they mean in words, not only in colour.
import { Html, html, type HtmlValue } from './html.js';
import type { WebSession } from './web-session.js';

export const STYLE = `
:root { color: #1a1a1a; background: #ffffff; font: 15px/1.4 system-ui, sans-serif; }
body { margin: 0 1rem 2rem; }
a { color: #0b57d0; }
nav ul { display: flex; gap: 1.2rem; list-style: none; padding: 0; margin: .8rem 0; align-items: center; }
nav form { margin-left: auto; }
:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #8a8a8a; padding: .2rem .4rem; text-align: left; vertical-align: top; }
thead th { background: #eef1f5; position: sticky; top: 0; }
th[scope=row] { background: #f6f7f9; }
td.none { color: #595959; }
.age, .meta { color: #4a4a4a; font-size: .85em; }
.mark { display: inline-block; border-radius: 3px; padding: 0 .3em; font-size: .8em; font-weight: 600; }
.drift { background: #fde7c8; color: #5c2d00; }
.pin { background: #dbe7fb; color: #0a2e66; }
.off { background: #e6e6e6; color: #333333; }
.out { background: #f9d6d5; color: #6b0c08; }
.live-drift { background: #ead7f7; color: #3d0a5c; }
.live-unknown { background: #e6e6e6; color: #333333; }
.stale { background: #fff1b8; color: #4d3a00; }
.live ul { margin: .2rem 0 0; padding-left: 1.1rem; font-size: .85em; }
.status { border: 2px solid #0b57d0; padding: .5rem; }
.status.failure { border-color: #a50e0e; }
pre { background: #f6f7f9; border: 1px solid #8a8a8a; padding: .5rem; overflow-x: auto; }
button { font: inherit; padding: .2rem .7rem; }
button.approve { background: #0d652d; color: #ffffff; border: 1px solid #0d652d; }
button.reject { background: #ffffff; color: #a50e0e; border: 1px solid #a50e0e; }
`;

const NAV: [string, string][] = [['/', 'Environments'], ['/approvals', 'Approvals'], ['/queue', 'Queue'], ['/queues/', 'Queue board']];

export function page(title: string, session: WebSession, body: HtmlValue): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} &middot; Nestor</title><style>${new Html(STYLE)}</style></head>
<body><header><nav aria-label="Nestor"><ul>${NAV.map(([href, label]) => html`<li><a href="${href}">${label}</a></li>`)}
<li>Signed in as ${session.name}</li><li><form method="post" action="/auth/logout"><button type="submit">Sign out</button></form></li></ul></nav></header>
<main><h1>${title}</h1>
${body}
</main></body></html>`;
}
