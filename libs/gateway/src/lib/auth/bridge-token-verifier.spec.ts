import type { ClientProxy } from '@nestjs/microservices';
import { Observable, of } from 'rxjs';
import { AUTH_VERIFY_PATTERN, CircuitBreaker, type TokenVerdict } from '@moonx-farm/server-core';
import { BridgeTokenVerifier } from './bridge-token-verifier';

/**
 * A stand-in for the Redis ClientProxy: answers with `answer(token)`, or never when the bridge
 * is "down", and counts requests and how many pending replies are still subscribed.
 */
class FakeBridgeClient {
  down = false;
  requests = 0;
  pending = 0;
  answer: (token: string) => TokenVerdict = (token) => ({ ok: true, token: { userId: token.split('.')[0], expiresAt: Date.now() + 60_000 } });

  send(pattern: string, request: { token: string }): Observable<TokenVerdict> {
    expect(pattern).toBe(AUTH_VERIFY_PATTERN);
    this.requests++;
    if (!this.down) return of(this.answer(request.token));
    return new Observable<TokenVerdict>(() => {
      this.pending++;
      return () => this.pending--;
    });
  }
}

function verifierWith(client: FakeBridgeClient, breaker = { failureThreshold: 2, openForMs: 200, timeoutMs: 40 }) {
  return new BridgeTokenVerifier(client as unknown as ClientProxy, new CircuitBreaker('auth-bridge', breaker));
}

describe('BridgeTokenVerifier', () => {
  it('asks the bridge once per token and answers repeats from its cache', async () => {
    const client = new FakeBridgeClient();
    const verifier = verifierWith(client);
    expect(await verifier.verify('alice.1')).toMatchObject({ ok: true, token: { userId: 'alice' } });
    expect(await verifier.verify('alice.1')).toMatchObject({ ok: true });
    expect(client.requests).toBe(1);
  });

  it('caches refusals too (a storm of bad tokens is not a storm of verifications)', async () => {
    const client = new FakeBridgeClient();
    client.answer = () => ({ ok: false, reason: 'expired', message: 'token has expired' });
    const verifier = verifierWith(client);
    for (let i = 0; i < 5; i++) expect(await verifier.verify('old.token')).toMatchObject({ ok: false, reason: 'expired' });
    expect(client.requests).toBe(1);
  });

  it('asks again after the user was revoked', async () => {
    const client = new FakeBridgeClient();
    const verifier = verifierWith(client);
    await verifier.verify('bob.1');
    verifier.forgetUser('bob');
    client.answer = () => ({ ok: false, reason: 'revoked', message: 'token has been revoked' });
    expect(await verifier.verify('bob.1')).toMatchObject({ ok: false, reason: 'revoked' });
    expect(client.requests).toBe(2);
  });

  it('answers "unavailable" when the bridge is silent, releases the pending reply, then fails fast', async () => {
    const client = new FakeBridgeClient();
    const verifier = verifierWith(client);
    client.down = true;
    for (const token of ['a.1', 'b.1']) {
      const startedAt = Date.now();
      expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'unavailable' });
      expect(Date.now() - startedAt).toBeLessThan(1000);
    }
    expect(client.pending).toBe(0);
    expect(verifier.breaker.currentState).toBe('open');

    const startedAt = Date.now();
    expect(await verifier.verify('c.1')).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(Date.now() - startedAt).toBeLessThan(20);
    expect(client.requests).toBe(2);
  });

  it('does not cache "unavailable": the same token works once the bridge is back', async () => {
    const client = new FakeBridgeClient();
    const verifier = verifierWith(client);
    client.down = true;
    await verifier.verify('carol.1');
    await verifier.verify('carol.1');
    client.down = false;
    await new Promise((resolve) => setTimeout(resolve, 220));
    expect(await verifier.verify('carol.1')).toMatchObject({ ok: true, token: { userId: 'carol' } });
    expect(verifier.breaker.currentState).toBe('closed');
  });
});

describe('BridgeTokenVerifier and a revocation racing a verification', () => {
  it('asks again when the user is revoked while the question is on its way', async () => {
    const client = new FakeBridgeClient();
    const verifier = verifierWith(client, { failureThreshold: 2, openForMs: 200, timeoutMs: 1000 });
    let answered = 0;
    const send = client.send.bind(client);
    // The first answer left the bridge before the revocation; the bridge knows better afterwards.
    client.send = (pattern, request) => {
      const verdict = send(pattern, request);
      return new Observable<TokenVerdict>((subscriber) => {
        const timer = setTimeout(() => {
          answered++;
          if (answered === 1) verdict.subscribe(subscriber);
          else subscriber.next({ ok: false, reason: 'revoked', message: 'token has been revoked' });
        }, 30);
        return () => clearTimeout(timer);
      });
    };
    const pending = verifier.verify('dave.1');
    await new Promise((resolve) => setTimeout(resolve, 5));
    verifier.forgetUser('dave');
    expect(await pending).toMatchObject({ ok: false, reason: 'revoked' });
    expect(client.requests).toBe(2);
    expect(await verifier.verify('dave.1')).toMatchObject({ ok: false, reason: 'revoked' });
    expect(client.requests).toBe(2);
  });
});
