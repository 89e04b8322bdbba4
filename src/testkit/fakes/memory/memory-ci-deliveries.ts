// In-memory CiDeliveries: the shell demo and unit tests (one instance stands for Redis).
import type { CiDeliveries, CiDelivery } from '../../../core/ports/ci-deliveries.js';

export class MemoryCiDeliveries implements CiDeliveries {
  private readonly done = new Map<string, CiDelivery>();

  async find(app: string, branch: string, sha: string): Promise<CiDelivery | undefined> {
    return this.done.get(`${app}:${branch}:${sha}`);
  }

  async record(delivery: CiDelivery): Promise<void> {
    this.done.set(`${delivery.app}:${delivery.branch}:${delivery.sha}`, delivery);
  }
}
