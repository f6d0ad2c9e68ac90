/**
 * Expiry (epoch ms) of a JWT, read from its `exp` claim without verifying it: the SDK only
 * needs to know when to ask for a fresh token. Undefined for anything that is not a JWT
 * with a numeric `exp`.
 *
 * @example
 * tokenExpiry(jwt); // 1767225600000
 */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='))) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
