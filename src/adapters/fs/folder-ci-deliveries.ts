// CiDeliveries in a folder (the CLI's and the shell's state folder): one JSON file per delivery,
// `<dir>/<app>/<branch, URI-encoded>/<sha>.json`. Workers share theirs in Redis instead.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CiDeliveries, CiDelivery } from '../../core/ports/ci-deliveries.js';

export class FolderCiDeliveries implements CiDeliveries {
  constructor(private readonly dir: string) {}

  async find(app: string, branch: string, sha: string): Promise<CiDelivery | undefined> {
    try {
      return JSON.parse(await readFile(this.pathOf(app, branch, sha), 'utf8')) as CiDelivery;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async record(delivery: CiDelivery): Promise<void> {
    const path = this.pathOf(delivery.app, delivery.branch, delivery.sha);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, JSON.stringify(delivery));
    await rename(`${path}.tmp`, path);
  }

  private pathOf(app: string, branch: string, sha: string): string {
    return join(this.dir, app, encodeURIComponent(branch), `${sha}.json`);
  }
}
