import type { Revocation, RevocationBus, RevocationListener } from '../ports/revocation.port';

/** The embedded RevocationBus: one process, so a map and a listener list are enough. */
export class InMemoryRevocationBus implements RevocationBus {
  private readonly revoked = new Map<string, number>();
  private readonly listeners: RevocationListener[] = [];

  async revoke(revocation: Revocation): Promise<void> {
    const previous = this.revoked.get(revocation.userId) ?? 0;
    this.revoked.set(revocation.userId, Math.max(previous, revocation.revokedAt));
    for (const listener of this.listeners) queueMicrotask(() => listener(revocation));
  }

  async revokedAt(userId: string): Promise<number | undefined> {
    return this.revoked.get(userId);
  }

  async listen(listener: RevocationListener): Promise<void> {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.listeners.length = 0;
  }
}
