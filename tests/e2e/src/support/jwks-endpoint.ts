import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

interface SigningKey {
  privateKey: KeyLike;
  jwk: JWK;
  alg: 'RS256' | 'ES256';
}

/** The auth service's JWKS endpoint, served by the test: RS256 and ES256 keys, rotatable. */
export class JwksEndpoint {
  private readonly keys = new Map<string, SigningKey>();
  private readonly retired = new Map<string, SigningKey>();
  /** Answer this much later (a slow auth service). */
  delayMs = 0;
  private readonly server: Server = createServer((_request, response) => {
    const keys = JSON.stringify({ keys: [...this.keys.values()].map((key) => key.jwk) });
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(keys);
    }, this.delayMs);
  });

  async start(): Promise<string> {
    await Promise.all([this.addKey('rsa-1', 'RS256'), this.addKey('ec-1', 'ES256')]);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async rotate(retired: string | undefined, next: string): Promise<void> {
    await this.addKey(next, 'RS256');
    if (!retired) return;
    const old = this.keys.get(retired);
    this.keys.delete(retired);
    // The retired private key still signs (an attacker's copy); only the published set changes.
    if (old) this.retired.set(retired, old);
  }

  sign(kid: string, userId: string, claims: { issuer: string; audience: string }): Promise<string> {
    const key = this.keys.get(kid) ?? this.retired.get(kid);
    if (!key) throw new Error(`no key ${kid}`);
    return new SignJWT({})
      .setProtectedHeader({ alg: key.alg, kid })
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime('10m')
      .setIssuer(claims.issuer)
      .setAudience(claims.audience)
      .sign(key.privateKey);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async addKey(kid: string, alg: 'RS256' | 'ES256'): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair(alg);
    this.keys.set(kid, { privateKey, alg, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } });
  }
}
