import { InMemoryRevocationBus, type TokenVerifier } from '@moonx-farm/server-core';
import type { GatewayOptions } from '../gateway-options';
import { ConnectionRegistry } from './connection-registry';
import { DrainState } from './drain-state';
import { SocketLifecycleService } from './socket-lifecycle.service';

describe('SocketLifecycleService revocations', () => {
  it('remembers revocations so a token verified (or cached) before one is refused after it', async () => {
    const bus = new InMemoryRevocationBus();
    const forgotten: string[] = [];
    const verifier: TokenVerifier & { forgetUser(userId: string): void } = {
      verify: async () => ({ ok: false, reason: 'malformed', message: 'unused' }),
      forgetUser: (userId) => forgotten.push(userId),
    };
    const lifecycle = new SocketLifecycleService(new ConnectionRegistry(), new DrainState(), { drainWindowMs: 0, reconnectInMs: 0 } as GatewayOptions, bus, verifier);
    await lifecycle.onModuleInit();
    expect(lifecycle.isRevoked('alice', 1_000)).toBe(false);

    await bus.revoke({ userId: 'alice', revokedAt: 5_000 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(forgotten).toEqual(['alice']);
    expect(lifecycle.isRevoked('alice', 4_000)).toBe(true);
    expect(lifecycle.isRevoked('alice', 5_000)).toBe(true);
    expect(lifecycle.isRevoked('alice', undefined)).toBe(true);
    expect(lifecycle.isRevoked('alice', 6_000)).toBe(false);
    expect(lifecycle.isRevoked('bob', 4_000)).toBe(false);

    await bus.revoke({ userId: 'alice', revokedAt: 3_000 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lifecycle.isRevoked('alice', 4_000)).toBe(true);
  });
});
