// The write side of a batch of history records (group commit, see GitReleaseHistory.record):
// each record's files written into the clone's work tree in order, then all of them committed
// by one git process, each its own commit.

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordResult } from '../../core/ports/release-history.js';
import type { ImportedCommit } from './fast-import.js';
import { RELEASE_FILE } from './history-layout.js';
import type { KnownReleases } from './known-releases.js';
import type { WorkClone } from './work-clone.js';

/** A record waiting for the next batch; `seen` is how many fetches had started when it was asked. */
export interface QueuedRecord {
  dir: string;
  files: Map<string, string>;
  record: string;
  message: string;
  jobId: string | undefined;
  seen: number;
  resolve: (result: RecordResult) => void;
  reject: (error: unknown) => void;
}

/** What a batch does with each record: commit it, or answer from what the history already holds. */
export type Plan = { kind: 'commit'; index: number; commit: ImportedCommit } | { kind: 'recorded' } | { kind: 'unchanged' };

/**
 * True when the clone (as synced) has no release of `dir`: release.json is never removed once
 * written. Saves a git log that would print nothing (simple-git waits 50 ms on those).
 */
export function neverReleased(clone: WorkClone, dir: string): boolean {
  return !existsSync(join(clone.dir, dir, RELEASE_FILE));
}

/**
 * Writes each record into the work tree in order and commits them all at once; returns the plan
 * of each record and the new commits, oldest first. A job already recorded (a rerun, here or in
 * the batch) and a release identical to the last one of its app are not committed again. On a
 * failure the work tree is made clean again.
 */
export async function stageRecords(clone: WorkClone, known: KnownReleases, batch: readonly QueuedRecord[]): Promise<{ plans: Plan[]; commits: string[] }> {
  const plans: Plan[] = [];
  const jobs = new Set<string>();
  let index = 0;
  try {
    const asked = batch.flatMap(({ dir, jobId }) => (jobId !== undefined ? [{ dir, jobId }] : []));
    const found = await known.findJobs(asked, (dir) => neverReleased(clone, dir));
    const recorded = new Set(asked.filter((_, i) => found[i] !== undefined).map(({ dir, jobId }) => `${dir}/${jobId}`));
    for (const { dir, jobId, files, record, message } of batch) {
      if (jobId !== undefined) {
        const key = `${dir}/${jobId}`;
        if (jobs.has(key) || recorded.has(key)) {
          plans.push({ kind: 'recorded' });
          continue;
        }
        jobs.add(key);
      }
      const change = await writeRelease(clone, dir, files, record);
      plans.push(change ? { kind: 'commit', index: index++, commit: { message, ...change } } : { kind: 'unchanged' });
    }
    const imported = plans.flatMap((p) => (p.kind === 'commit' ? [p.commit] : []));
    const parent = clone.knownHead();
    const commits = await clone.importCommits(imported);
    if (imported.length > 0) known.committed(parent, imported, commits);
    return { plans, commits };
  } catch (error) {
    await clone.cleanWorkTree();
    throw error;
  }
}

/**
 * Writes the cluster files and release.json, removing clusters no longer present. Returns the
 * files (paths from the repository root) and the removed paths, or undefined when nothing changed.
 */
async function writeRelease(clone: WorkClone, dir: string, files: Map<string, string>, record: string): Promise<Omit<ImportedCommit, 'message'> | undefined> {
  const abs = join(clone.dir, dir);
  await mkdir(abs, { recursive: true });
  const removed: string[] = [];
  for (const name of await readdir(abs)) {
    if (!name.endsWith('.yaml') || files.has(name)) continue;
    await rm(join(abs, name));
    removed.push(`${dir}/${name}`);
  }
  const written = new Map<string, string>();
  let changed = removed.length > 0;
  for (const [name, text] of [...files, [RELEASE_FILE, record] as const]) {
    const file = join(abs, name);
    written.set(`${dir}/${name}`, text);
    if (existsSync(file) && (await readFile(file, 'utf8')) === text) continue;
    changed = true;
    await writeFile(file, text);
  }
  return changed ? { files: written, removed } : undefined;
}
