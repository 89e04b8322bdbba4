// CiDeliveries on Redis: `<prefix><app>:<branch>:<sha>` holds the delivery as JSON for 30 days
// by default, shared by every worker and the API.
import type { Redis } from 'ioredis';
import type { CiDeliveries, CiDelivery } from '../../core/ports/ci-deliveries.js';
import { redisCall } from './redis-call.js';

export interface RedisCiDeliveriesOptions {
  redis: Redis;
  /** Default `nestor:ci-delivery:`. */
  prefix?: string;
  keepSeconds?: number;
}

export class RedisCiDeliveries implements CiDeliveries {
  private readonly prefix: string;
  private readonly ttl: number;

  constructor(private readonly options: RedisCiDeliveriesOptions) {
    this.prefix = options.prefix ?? 'nestor:ci-delivery:';
    this.ttl = options.keepSeconds ?? 30 * 86_400;
  }

  async find(app: string, branch: string, sha: string): Promise<CiDelivery | undefined> {
    const value = await redisCall(`read the CI success of ${app}@${branch}`, () => this.options.redis.get(this.key(app, branch, sha)));
    return value ? (JSON.parse(value) as CiDelivery) : undefined;
  }

  async record(delivery: CiDelivery): Promise<void> {
    const { app, branch, sha } = delivery;
    await redisCall(`record the CI success of ${app}@${branch}`, () => this.options.redis.set(this.key(app, branch, sha), JSON.stringify(delivery), 'EX', this.ttl));
  }

  private key(app: string, branch: string, sha: string): string {
    return `${this.prefix}${app}:${branch}:${sha}`;
  }
}
