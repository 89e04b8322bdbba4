// DeliveryIds on Redis: `SET <prefix><id> 1 NX EX <ttl>`, one key per delivery, so that every API
// process refuses a replay of what another one took. Kept three days (GitHub redelivers for up to three).
import type { Redis } from 'ioredis';
import type { DeliveryIds } from '../../core/ports/delivery-ids.js';
import { redisCall } from './redis-call.js';

export class RedisDeliveryIds implements DeliveryIds {
  constructor(private readonly redis: Redis, private readonly prefix = 'nestor:github-delivery:', private readonly keepSeconds = 3 * 86_400) {}

  async first(id: string): Promise<boolean> {
    return (await redisCall(`record GitHub delivery ${id}`, () => this.redis.set(`${this.prefix}${id}`, '1', 'EX', this.keepSeconds, 'NX'))) === 'OK';
  }

  async forget(id: string): Promise<void> {
    await redisCall(`forget GitHub delivery ${id}`, () => this.redis.del(`${this.prefix}${id}`));
  }
}
