import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { InMemoryRevocationBus, issueHmacToken } from '@moonx-farm/server-core';
import { JwtTokenVerifier } from './jwt-token-verifier';

const secret = 'unit-test-secret-of-at-least-32-characters';
const issuer = 'https://auth.moonx.test';
const audience = 'moonx-gateway';

interface SigningKey {
  kid?: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyLike;
  jwk: JWK;
}

async function signingKey(alg: 'RS256' | 'ES256', kid?: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = { ...(await exportJWK(publicKey)), alg, use: 'sig', ...(kid ? { kid } : {}) };
  return { kid, alg, privateKey, jwk };
}

function signWith(key: SigningKey, userId: string, claims: { iss?: string; aud?: string; expiresInSec?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: key.alg, ...(key.kid ? { kid: key.kid } : {}) })
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresInSec ?? 600))
    .setIssuer(claims.iss ?? issuer)
    .setAudience(claims.aud ?? audience)
    .sign(key.privateKey);
}

/** The auth service's JWKS endpoint: serves whatever `keys`/`status`/`body` say, counts fetches. */
class JwksServer {
  keys: JWK[] = [];
  status = 200;
  body: string | undefined;
  fetches = 0;
  private readonly server: Server = createServer((_request, response) => {
    this.fetches++;
    response.writeHead(this.status, { 'content-type': 'application/json' });
    response.end(this.body ?? JSON.stringify({ keys: this.keys }));
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('JwtTokenVerifier with a shared secret (HS256)', () => {
  const verifier = new JwtTokenVerifier({ secret, issuer, audience });
  const settings = { secret, issuer, audience };

  it('accepts a good token and reports its user and expiry', async () => {
    const token = await issueHmacToken(settings, 'user-1', { expiresInSec: 120 });
    const verdict = await verifier.verify(token);
    expect(verdict).toEqual({ ok: true, token: { userId: 'user-1', expiresAt: expect.any(Number), issuedAt: expect.any(Number) } });
    if (verdict.ok) expect(Math.abs(verdict.token.expiresAt - (Date.now() + 120_000))).toBeLessThan(2000);
    if (verdict.ok) expect(Math.abs((verdict.token.issuedAt ?? 0) - Date.now())).toBeLessThan(2000);
  });

  it.each([
    ['a forged signature', () => issueHmacToken({ ...settings, secret: 'another-secret-of-at-least-32-characters' }, 'u'), 'invalid_signature'],
    ['an expired token', () => issueHmacToken(settings, 'u', { expiresInSec: -60 }), 'expired'],
    ['a token not valid yet', () => issueHmacToken(settings, 'u', { notBeforeSec: 60 }), 'not_yet_valid'],
    ['another audience', () => issueHmacToken({ ...settings, audience: 'someone-else' }, 'u'), 'wrong_audience'],
    ['another issuer', () => issueHmacToken({ ...settings, issuer: 'https://evil.test' }, 'u'), 'wrong_issuer'],
    ['no audience at all', () => issueHmacToken({ secret, issuer }, 'u'), 'wrong_audience'],
    ['something that is not a JWT', async () => 'not-a-jwt', 'malformed'],
    ['an unsigned token (alg none)', async () => `${b64({ alg: 'none' })}.${b64({ sub: 'u', exp: 9999999999, iss: issuer, aud: audience })}.`, 'malformed'],
    ['an RS256 token when no JWKS is configured', async () => signWith(await signingKey('RS256', 'k'), 'u'), 'malformed'],
  ])('refuses %s', async (_case, makeToken, reason) => {
    expect(await verifier.verify(await makeToken())).toMatchObject({ ok: false, reason });
  });

  it('refuses a token without a subject', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').setIssuer(issuer).setAudience(audience).sign(new TextEncoder().encode(secret));
    expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('refuses tokens issued up to the revocation and accepts those issued after it', async () => {
    const revocations = new InMemoryRevocationBus();
    const revocable = new JwtTokenVerifier(settings, revocations);
    const before = await issueHmacToken(settings, 'user-r');
    expect((await revocable.verify(before)).ok).toBe(true);
    await revocations.revoke({ userId: 'user-r', revokedAt: Date.now() });
    expect(await revocable.verify(before)).toMatchObject({ ok: false, reason: 'revoked' });
    // iat counts whole seconds: a token is "after" the revocation from the next second on.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 10));
    expect(await revocable.verify(await issueHmacToken(settings, 'user-r'))).toMatchObject({ ok: true });
    expect(await revocable.verify(await issueHmacToken(settings, 'another-user'))).toMatchObject({ ok: true });
  });
});

describe('JwtTokenVerifier with a JWKS URL (RS256, ES256)', () => {
  const jwks = new JwksServer();
  let jwksUrl: string;
  let rsa: SigningKey;
  let ec: SigningKey;

  beforeAll(async () => {
    jwksUrl = await jwks.start();
    [rsa, ec] = await Promise.all([signingKey('RS256', 'rsa-1'), signingKey('ES256', 'ec-1')]);
  });
  afterAll(() => jwks.stop());
  beforeEach(() => {
    jwks.keys = [rsa.jwk, ec.jwk];
    jwks.status = 200;
    jwks.body = undefined;
  });

  const verifierOf = (extra: { secret?: string; jwksCooldownMs?: number } = {}) => new JwtTokenVerifier({ jwksUrl, issuer, audience, ...extra });

  it('accepts RS256 and ES256 tokens signed with the published keys', async () => {
    const verifier = verifierOf();
    expect(await verifier.verify(await signWith(rsa, 'rs-user'))).toMatchObject({ ok: true, token: { userId: 'rs-user' } });
    expect(await verifier.verify(await signWith(ec, 'ec-user'))).toMatchObject({ ok: true, token: { userId: 'ec-user' } });
  });

  it('refuses a token signed by an unknown key under a published kid, and checks claims as for HS256', async () => {
    const verifier = verifierOf();
    const impostor = { ...(await signingKey('RS256')), kid: 'rsa-1' };
    expect(await verifier.verify(await signWith(impostor, 'u'))).toMatchObject({ ok: false, reason: 'invalid_signature' });
    expect(await verifier.verify(await signWith(rsa, 'u', { expiresInSec: -60 }))).toMatchObject({ ok: false, reason: 'expired' });
    expect(await verifier.verify(await signWith(ec, 'u', { aud: 'other' }))).toMatchObject({ ok: false, reason: 'wrong_audience' });
  });

  it('never takes an HS256 token signed with a public key for an asymmetric one (algorithm confusion)', async () => {
    const verifier = verifierOf();
    const forged = await issueHmacToken({ secret: JSON.stringify(rsa.jwk), issuer, audience }, 'u');
    expect(await verifier.verify(forged)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('accepts a key rotated in right after a fetch, and refuses the key rotated out', async () => {
    const verifier = verifierOf({ jwksCooldownMs: 300 });
    expect((await verifier.verify(await signWith(rsa, 'u'))).ok).toBe(true);
    const fetchesBefore = jwks.fetches;
    const next = await signingKey('RS256', 'rsa-2');
    jwks.keys = [next.jwk, ec.jwk];

    const startedAt = Date.now();
    expect(await verifier.verify(await signWith(next, 'rotated'))).toMatchObject({ ok: true, token: { userId: 'rotated' } });
    expect(Date.now() - startedAt).toBeLessThan(1500);
    expect(jwks.fetches).toBe(fetchesBefore + 1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await verifier.verify(await signWith(rsa, 'old-key'))).toMatchObject({ ok: false, reason: 'invalid_signature' });
  });

  it('does not let unknown kids turn into a fetch storm', async () => {
    const verifier = verifierOf({ jwksCooldownMs: 300 });
    expect((await verifier.verify(await signWith(rsa, 'u'))).ok).toBe(true);
    const fetchesBefore = jwks.fetches;
    const strangers = await Promise.all(Array.from({ length: 20 }, (_, index) => signingKey('ES256', `unknown-${index}`)));
    const verdicts = await Promise.all(strangers.map(async (key) => verifier.verify(await signWith(key, 'u'))));
    expect(verdicts.every((verdict) => !verdict.ok && verdict.reason === 'invalid_signature')).toBe(true);
    expect(jwks.fetches - fetchesBefore).toBeLessThanOrEqual(2);
  });

  it('verifies against every candidate when keys carry no kid', async () => {
    const [first, second] = await Promise.all([signingKey('RS256'), signingKey('RS256')]);
    jwks.keys = [first.jwk, second.jwk];
    const verifier = verifierOf();
    expect(await verifier.verify(await signWith(second, 'no-kid'))).toMatchObject({ ok: true, token: { userId: 'no-kid' } });
    expect(await verifier.verify(await signWith(await signingKey('RS256'), 'no-kid'))).toMatchObject({ ok: false, reason: 'invalid_signature' });
  });

  it.each([
    ['answers 500', () => (jwks.status = 500)],
    ['answers something that is not JSON', () => (jwks.body = '<html>maintenance</html>')],
    ['answers a malformed key set', () => (jwks.body = JSON.stringify({ keys: 'none' }))],
  ])('says "unavailable", not "bad token", when the JWKS endpoint %s', async (_case, breakIt) => {
    breakIt();
    const verdict = await verifierOf().verify(await signWith(rsa, 'u'));
    expect(verdict).toMatchObject({ ok: false, reason: 'unavailable' });
  });

  it('says "unavailable" when the JWKS endpoint cannot be reached, and still verifies HS256 tokens', async () => {
    const verifier = new JwtTokenVerifier({ jwksUrl: 'http://127.0.0.1:9/jwks.json', secret, issuer, audience });
    expect(await verifier.verify(await signWith(rsa, 'u'))).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(await verifier.verify(await issueHmacToken({ secret, issuer, audience }, 'h'))).toMatchObject({ ok: true });
  });
});

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
