// ProgressMessages on Redis: `<prefix><jobId>` holds "channel ts", kept as long as finished jobs
// are (a day by default), so any worker that runs the job can find the message to edit.
import type { Redis } from 'ioredis';
import type { ProgressMessage, ProgressMessages } from '../slack/notifier/progress-messages.js';
import { redisCall } from './redis-call.js';

export interface RedisProgressMessagesOptions {
  redis: Redis;
  /** Default `nestor:progress-message:`. */
  prefix?: string;
  keepSeconds?: number;
}

export class RedisProgressMessages implements ProgressMessages {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttl: number;

  constructor(options: RedisProgressMessagesOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? 'nestor:progress-message:';
    this.ttl = options.keepSeconds ?? 86_400;
  }

  async find(jobId: string): Promise<ProgressMessage | undefined> {
    const value = await redisCall(`find the Slack message of job ${jobId}`, () => this.redis.get(`${this.prefix}${jobId}`));
    const [channel, ts] = value?.split(' ') ?? [];
    return channel && ts ? { channel, ts } : undefined;
  }

  async save(jobId: string, message: ProgressMessage): Promise<void> {
    await redisCall(`keep the Slack message of job ${jobId}`, () => this.redis.set(`${this.prefix}${jobId}`, `${message.channel} ${message.ts}`, 'EX', this.ttl));
  }
}
