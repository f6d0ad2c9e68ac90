import { isIP } from 'node:net';

/** Most proxies `TRUST_PROXY` may vouch for: a longer chain is a configuration mistake. */
export const MAX_TRUSTED_PROXIES = 10;

/**
 * The client's address, for the per-address connection cap. Without trusted proxies it is
 * the TCP peer. Behind `trustedProxies` proxies, each of which appends the address it got the
 * request from to X-Forwarded-For (or sets the header to it, as ingress-nginx does by
 * default), the client is the entry that many places from the right: everything further left
 * was written by the client, or by hops nobody vouches for, and could name any address, so
 * reading the first entry would let a client pick a fresh address per connection.
 *
 * A header with fewer entries than trusted proxies (the request skipped a hop, such as a
 * health check from inside) gives its leftmost entry. An entry that is not an IP address means
 * a proxy that does not write the header as expected; the peer (the proxy) is used then, so
 * such clients share the proxy's cap instead of escaping it.
 */
export function clientAddress(forwardedFor: string | string[] | undefined, peer: string, trustedProxies: number): string {
  if (trustedProxies <= 0 || forwardedFor === undefined) return peer;
  const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) return peer;
  const entry = entries[Math.max(0, entries.length - trustedProxies)];
  return addressOf(entry) ?? peer;
}

/** The IP address of an X-Forwarded-For entry, which some proxies write with a port. */
function addressOf(entry: string): string | undefined {
  if (isIP(entry)) return entry;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed && isIP(bracketed[1]) === 6) return bracketed[1];
  const withPort = /^([\d.]+):\d+$/.exec(entry);
  if (withPort && isIP(withPort[1]) === 4) return withPort[1];
  return undefined;
}
