import type { Revocation, RevocationBus, RevocationListener } from '@moonx-farm/server-core';
import type { RedisConnection } from './redis-connection.factory';

/**
 * RevocationBus on Redis: the instant is kept under a key (for verifications that come
 * later) for as long as a token can live, and announced on a channel (for sockets already
 * open on every replica).
 */
export class RedisRevocationBus implements RevocationBus {
  private readonly channel: string;

  constructor(
    private readonly redis: RedisConnection,
    private readonly subscriber: RedisConnection,
    private readonly keyPrefix: string,
    /** Longest token lifetime: a revocation older than that has nothing left to void. */
    private readonly rememberForSec = 86400,
  ) {
    this.channel = `${keyPrefix}auth:revocations`;
  }

  async revoke(revocation: Revocation): Promise<void> {
    const key = this.keyOf(revocation.userId);
    const previous = Number((await this.redis.get(key)) ?? 0);
    await this.redis.set(key, String(Math.max(previous, revocation.revokedAt)), 'EX', this.rememberForSec);
    await this.redis.publish(this.channel, JSON.stringify(revocation));
  }

  async revokedAt(userId: string): Promise<number | undefined> {
    const value = await this.redis.get(this.keyOf(userId));
    return value === null ? undefined : Number(value);
  }

  async listen(listener: RevocationListener): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const revocation = parseRevocation(message);
      if (revocation) listener(revocation);
    });
    await this.subscriber.subscribe(this.channel);
  }

  async close(): Promise<void> {
    await this.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  private keyOf(userId: string): string {
    return `${this.keyPrefix}auth:revoked:${userId}`;
  }
}

function parseRevocation(message: string): Revocation | undefined {
  try {
    const value = JSON.parse(message) as Partial<Revocation>;
    if (typeof value.userId === 'string' && typeof value.revokedAt === 'number') return { userId: value.userId, revokedAt: value.revokedAt };
  } catch {
    // not ours
  }
  return undefined;
}
