// Read side of the git release history: releases are the commits that changed
// `<env>/<app>/release.json`, described by their message trailers.

import type { SimpleGit } from 'simple-git';
import type { Release, ReleaseSummary } from '../../core/ports/release-history.js';
import { decryptManifestSecrets, hasEncryptedSecrets } from '../../core/release/secret-crypto.js';
import { tryRaw } from './git-process.js';
import { parseReleaseJson, RELEASE_FILE, summaryFromMessage } from './history-layout.js';

const LOG_FORMAT = '--format=%H%x1f%B%x1e';
/** How many of an app's latest releases are searched for a rerun job's commit. */
export const JOB_LOOKBACK = 50;

/** A folder's newest releases, newest first; `all`: it has no others. */
export interface NewestReleases {
  releases: ReleaseSummary[];
  all: boolean;
}

/** The commit that recorded `jobId` among the JOB_LOOKBACK newest of `releases` (newest first). */
export function jobIn(releases: readonly ReleaseSummary[], jobId: string): string | undefined {
  return releases.slice(0, JOB_LOOKBACK).find((r) => r.jobId === jobId)?.commit;
}
/** Releases read per app before the apps not found yet are looked for further back. */
const LATEST_LOOKAHEAD = 3;

/** Runs `git cat-file --batch` in the history's clone with `input` on its stdin; its output. */
export type CatFileBatch = (input: string) => Promise<string>;

export class HistoryReader {
  constructor(
    private readonly git: SimpleGit,
    private readonly key: Buffer | undefined,
    private readonly catFiles?: CatFileBatch,
  ) {}

  /** Releases of `dir` reachable from `rev` (HEAD), newest first. */
  async releases(dir: string, limit: number, rev = 'HEAD', extra: string[] = []): Promise<ReleaseSummary[]> {
    return this.releasesOfAll([dir], [`--max-count=${Math.max(1, Math.floor(limit))}`, ...extra], rev);
  }

  /**
   * The latest release of each of `dirs` (those never released have none). Most were released
   * among the last few releases of them all, which one short log finds; the others are looked
   * for by one more log of their files only, so the whole history is not printed.
   */
  async latestOfEach(dirs: readonly string[]): Promise<Map<string, ReleaseSummary>> {
    const found = new Map<string, ReleaseSummary>();
    const wanted = new Set(dirs);
    const take = (releases: ReleaseSummary[]): void => {
      for (const release of releases) {
        const dir = `${release.env}/${release.app}`;
        if (!found.has(dir) && wanted.has(dir)) found.set(dir, release);
      }
    };
    if (dirs.length === 0) return found;
    take(await this.releasesOfAll(dirs, [`--max-count=${dirs.length * LATEST_LOOKAHEAD}`]));
    const missing = dirs.filter((dir) => !found.has(dir));
    if (missing.length > 0) take(await this.releasesOfAll(missing, []));
    return found;
  }

  /** Releases of any of `dirs`, newest first. */
  private async releasesOfAll(dirs: readonly string[], extra: string[], rev = 'HEAD'): Promise<ReleaseSummary[]> {
    const out = await tryRaw(this.git, ['log', ...extra, LOG_FORMAT, rev, '--', ...dirs.map((dir) => `${dir}/${RELEASE_FILE}`)]);
    return parseLog(out ?? '');
  }

  /** The release recorded by `commit` (an abbreviated sha is fine), or the latest one. */
  async release(dir: string, commit?: string): Promise<ReleaseSummary | undefined> {
    const [found] = await this.releases(dir, 1, commit === undefined ? 'HEAD' : `${commit}^{commit}`);
    if (found === undefined || (commit !== undefined && !found.commit.startsWith(commit))) return undefined;
    return found;
  }

  /**
   * The commit that recorded job `jobId` among the latest releases of `dir`, if any (a job is
   * rerun soon after it ran). Not `--grep`: a log that prints nothing costs simple-git 50 ms.
   */
  async findJob(dir: string, jobId: string, rev = 'HEAD'): Promise<string | undefined> {
    return jobIn(await this.releases(dir, JOB_LOOKBACK, rev), jobId);
  }

  /**
   * `findJob` for many at once, in one git log of all their folders in the usual case (a batch
   * of records, each asking whether its job was recorded already).
   */
  async findJobs(asked: readonly { dir: string; jobId: string }[]): Promise<(string | undefined)[]> {
    if (asked.length <= 1) return Promise.all(asked.map(({ dir, jobId }) => this.findJob(dir, jobId)));
    const newest = await this.newestOf(asked.map((a) => a.dir));
    return asked.map(({ dir, jobId }) => jobIn(newest.get(dir)?.releases ?? [], jobId));
  }

  /**
   * The JOB_LOOKBACK newest releases of each folder (all of them when it has fewer, `all` then
   * true), from one git log of all the folders; that log holds each folder's newest releases
   * first, and a folder with fewer than JOB_LOOKBACK of them there, when the log was cut short,
   * is looked at alone.
   */
  async newestOf(dirs: readonly string[]): Promise<Map<string, NewestReleases>> {
    const unique = [...new Set(dirs)];
    const limit = unique.length * JOB_LOOKBACK;
    const all = unique.length === 0 ? [] : await this.releasesOfAll(unique, [`--max-count=${limit}`]);
    const byDir = new Map<string, ReleaseSummary[]>(unique.map((dir) => [dir, []]));
    for (const release of all) byDir.get(`${release.env}/${release.app}`)?.push(release);
    const complete = all.length < limit;
    return new Map(await Promise.all(unique.map(async (dir): Promise<[string, NewestReleases]> => {
      const latest = byDir.get(dir) ?? [];
      if (complete || latest.length >= JOB_LOOKBACK) return [dir, { releases: latest.slice(0, JOB_LOOKBACK), all: complete && latest.length < JOB_LOOKBACK }];
      const alone = await this.releases(dir, JOB_LOOKBACK);
      return [dir, { releases: alone, all: alone.length < JOB_LOOKBACK }];
    })));
  }

  /** The release a commit records; undefined for other commits (pins). */
  async summaryOf(commit: string): Promise<ReleaseSummary | undefined> {
    return parseLog((await tryRaw(this.git, ['log', '--max-count=1', LOG_FORMAT, commit, '--'])) ?? '')[0];
  }

  /** The manifests and record of a release, decrypted when a key is set (two git processes). */
  async read(dir: string, summary: ReleaseSummary): Promise<Release> {
    return this.releaseOf(summary, await this.blobs(summary.commit, dir));
  }

  /**
   * `read` of many releases in two git processes in all, not two each: the files of every folder
   * at its commit from one `git show` of their trees, then their contents from one
   * `git cat-file --batch`. Undefined when either answer is not as expected (a folder missing, a
   * quoted name): the caller reads them one by one.
   */
  async readMany(asked: readonly { dir: string; summary: ReleaseSummary }[]): Promise<Release[] | undefined> {
    if (!this.catFiles || asked.length === 0) return undefined;
    const names = namesInTrees(await tryRaw(this.git, ['show', ...asked.map(({ dir, summary }) => `${summary.commit}:${dir}/`)]), asked);
    if (!names) return undefined;
    const paths = asked.flatMap(({ dir, summary }, i) => names[i]!.map((name) => `${summary.commit}:${dir}/${name}`));
    const contents = paths.length === 0 ? [] : batchContents(Buffer.from(await this.catFiles(`${paths.join('\n')}\n`), 'utf8'), paths.length);
    if (!contents) return undefined;
    let next = 0;
    return asked.map(({ summary }, i) => this.releaseOf(summary, new Map(names[i]!.map((name) => [name, contents[next++]!]))));
  }

  private releaseOf(summary: ReleaseSummary, files: Map<string, string>): Release {
    const manifestsByCluster: Record<string, string> = {};
    let secretsEncrypted = false;
    for (const [name, stored] of files) {
      if (!name.endsWith('.yaml')) continue;
      const text = this.key === undefined ? stored : decryptManifestSecrets(stored, this.key);
      secretsEncrypted ||= hasEncryptedSecrets(text);
      manifestsByCluster[name.slice(0, -'.yaml'.length)] = text;
    }
    const record = parseReleaseJson(files.get(RELEASE_FILE) ?? '{}');
    return { ...summary, record, manifestsByCluster, secretsEncrypted };
  }

  /** Every file directly in `dir` at `commit`: sizes from ls-tree, contents from one `git show`. */
  private async blobs(commit: string, dir: string): Promise<Map<string, string>> {
    const listing = await this.git.raw(['ls-tree', '-l', commit, '--', `${dir}/`]);
    const entries = listing
      .split('\n')
      .map((line) => /^\d+ blob [0-9a-f]+\s+(\d+)\t(.+)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ size: Number(m[1]), path: m[2] ?? '' }));
    const files = new Map<string, string>();
    if (entries.length === 0) return files;
    const all = await this.git.showBuffer(entries.map((e) => `${commit}:${e.path}`));
    let offset = 0;
    for (const { size, path } of entries) {
      files.set(path.slice(dir.length + 1), all.subarray(offset, offset + size).toString('utf8'));
      offset += size;
    }
    return files;
  }
}

/**
 * The file names (blobs, not folders) of each asked tree in `git show <commit>:<dir>/ ...`'s output,
 * which prints `tree <commit>:<dir>/`, a blank line, then a name a line, for each in order.
 */
function namesInTrees(out: string | undefined, asked: readonly { dir: string; summary: ReleaseSummary }[]): string[][] | undefined {
  if (out === undefined) return undefined;
  const names: string[][] = [];
  for (const line of out.split('\n')) {
    const expected = asked[names.length];
    if (expected && line === `tree ${expected.summary.commit}:${expected.dir}/`) {
      names.push([]);
      continue;
    }
    if (line === '' || line.endsWith('/')) continue;
    const current = names.at(-1);
    if (!current || line.startsWith('"')) return undefined;
    current.push(line);
  }
  return names.length === asked.length ? names : undefined;
}

/** The contents `git cat-file --batch` printed for `count` asked objects, in order; undefined when one is missing or not a blob. */
function batchContents(out: Buffer, count: number): string[] | undefined {
  const contents: string[] = [];
  let at = 0;
  while (contents.length < count) {
    const end = out.indexOf(0x0a, at);
    if (end < 0) return undefined;
    const header = /^[0-9a-f]+ blob (\d+)$/.exec(out.subarray(at, end).toString('utf8'));
    if (!header) return undefined;
    const size = Number(header[1]);
    contents.push(out.subarray(end + 1, end + 1 + size).toString('utf8'));
    at = end + 1 + size + 1;
  }
  return contents;
}

function parseLog(out: string): ReleaseSummary[] {
  return out
    .split('\x1e')
    .map((entry) => entry.replace(/^\n/, ''))
    .filter((entry) => entry.includes('\x1f'))
    .map((entry) => {
      const [commit = '', message = ''] = entry.split('\x1f');
      return summaryFromMessage(commit, message);
    })
    .filter((s): s is ReleaseSummary => s !== undefined);
}
