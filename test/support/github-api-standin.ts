// A local GitHub REST API for tests: a real HTTP server answering the routes Nestor calls
// (deployments and their statuses, commit statuses, compare, an App installation's token),
// checking each payload as GitHub does (422 naming the field) and recording every call. It can
// fail the next calls of a route (500, or 403 rate limit with Retry-After).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { perTest } from './per-test.js';
import { LocalHttpServer, readBody } from './standin-http.js';

export interface GitHubCall {
  method: string;
  /** The route matched, e.g. `POST /repos/:owner/:repo/deployments`, or the raw path when none did. */
  route: string;
  path: string;
  body: Record<string, unknown>;
  /** The Authorization header's credentials (`token x`, `bearer <jwt>`). */
  authorization: string | undefined;
  status: number;
}

export interface StandinCommit {
  sha: string;
  message: string;
  author: string;
}

type Handler = (params: string[], body: Record<string, unknown>) => [number, unknown];

interface Failure { status: number; headers: Record<string, string>; times: number }

const DEPLOYMENT_STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
const COMMIT_STATES = ['error', 'failure', 'pending', 'success'];

const invalid = (field: string): [number, unknown] => [422, { message: 'Validation Failed', errors: [{ field, code: 'invalid' }] }];

export class GitHubApiStandin {
  readonly calls: GitHubCall[] = [];
  /** Commits of each repository (`owner/repo`), oldest first, for compare. */
  readonly commits = new Map<string, StandinCommit[]>();
  private server: LocalHttpServer | undefined;
  private nextId = 1;
  private readonly failures = new Map<string, Failure>();
  private readonly routes: [string, RegExp, Handler][] = [
    ['POST /repos/:owner/:repo/deployments', /^\/repos\/([^/]+)\/([^/]+)\/deployments$/, (_, body) => {
      if (typeof body.ref !== 'string' || body.ref === '') return invalid('ref');
      if (typeof body.environment !== 'string') return invalid('environment');
      return [201, { id: this.nextId++, ref: body.ref, environment: body.environment }];
    }],
    ['POST /repos/:owner/:repo/deployments/:id/statuses', /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/, (_, body) =>
      (DEPLOYMENT_STATES.includes(String(body.state)) ? [201, { id: this.nextId++, state: body.state }] : invalid('state'))],
    ['POST /repos/:owner/:repo/statuses/:sha', /^\/repos\/([^/]+)\/([^/]+)\/statuses\/([0-9a-f]{40})$/, (_, body) =>
      (COMMIT_STATES.includes(String(body.state)) ? [201, { id: this.nextId++, state: body.state, context: body.context }] : invalid('state'))],
    ['GET /repos/:owner/:repo/compare/:basehead', /^\/repos\/([^/]+)\/([^/]+)\/compare\/([^/.]+)\.\.\.([^/?]+)$/, ([owner, repo, base, head]) => this.compare(`${owner}/${repo}`, base ?? '', head ?? '')],
    ['POST /app/installations/:id/access_tokens', /^\/app\/installations\/(\d+)\/access_tokens$/, () =>
      [201, { token: 'ghs_standin-installation-token', expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {}, repository_selection: 'all' }]],
  ];

  get apiUrl(): string {
    return this.server!.url;
  }

  /** Calls of one route, e.g. `POST /repos/:owner/:repo/statuses/:sha`. */
  of(route: string): GitHubCall[] {
    return this.calls.filter((c) => c.route === route);
  }

  /** The next `times` calls of `route` answer `status` (403 with `retryAfter` seconds is GitHub's secondary rate limit). */
  failNext(route: string, status: number, times = 1, retryAfter?: number): void {
    const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter), 'x-ratelimit-remaining': '0' };
    this.failures.set(route, { status, headers, times });
  }

  async start(): Promise<void> {
    this.server = await LocalHttpServer.start((req, res) => this.handle(req, res));
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  private compare(repo: string, base: string, head: string): [number, unknown] {
    const commits = this.commits.get(repo) ?? [];
    const from = commits.findIndex((c) => c.sha === base);
    const to = commits.findIndex((c) => c.sha === head);
    if (from < 0 || to < 0) return [404, { message: 'Not Found' }];
    const between = commits.slice(from + 1, to + 1);
    return [200, { status: 'ahead', ahead_by: between.length, total_commits: between.length, commits: between.map((c) => ({ sha: c.sha, commit: { message: c.message, author: { name: c.author } }, author: null })) }];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = (await readBody(req)).toString('utf8');
    const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const found = this.routes.find(([route, pattern]) => route.startsWith(`${method} `) && pattern.test(path));
    const route = found?.[0] ?? `${method} ${path}`;
    const authorization = req.headers.authorization;
    const failure = this.failures.get(route);
    let [status, answer, headers]: [number, unknown, Record<string, string>] = [404, { message: 'Not Found' }, {}];
    if (authorization === undefined) [status, answer] = [401, { message: 'Requires authentication' }];
    else if (failure && failure.times > 0) {
      failure.times -= 1;
      [status, answer, headers] = [failure.status, { message: failure.status === 403 ? 'You have exceeded a secondary rate limit' : 'Server Error' }, failure.headers];
    } else if (found) [status, answer] = found[2](path.match(found[1])!.slice(1), body);
    this.calls.push({ method, route, path, body, authorization, status });
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(answer));
  }
}

export async function startGitHubApiStandin(): Promise<GitHubApiStandin> {
  const standin = new GitHubApiStandin();
  await standin.start();
  return standin;
}

export function useGitHubApiStandin(): GitHubApiStandin {
  return perTest('the GitHub API stand-in', startGitHubApiStandin, (standin) => standin.stop());
}
