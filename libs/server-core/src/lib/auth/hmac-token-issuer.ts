import { SignJWT } from 'jose';

export interface HmacTokenSettings {
  secret: string;
  issuer?: string;
  audience?: string;
}

/**
 * Issues an HS256 token with `sub` = the user id: development tokens (POST /dev/tokens)
 * and tests. Verification is the auth bridge's (JwtTokenVerifier).
 */
export async function issueHmacToken(
  settings: HmacTokenSettings,
  userId: string,
  options: { expiresInSec?: number; notBeforeSec?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSec ?? 3600));
  if (options.notBeforeSec !== undefined) jwt = jwt.setNotBefore(now + options.notBeforeSec);
  if (settings.issuer) jwt = jwt.setIssuer(settings.issuer);
  if (settings.audience) jwt = jwt.setAudience(settings.audience);
  return jwt.sign(new TextEncoder().encode(settings.secret));
}
