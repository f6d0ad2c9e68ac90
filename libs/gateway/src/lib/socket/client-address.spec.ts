import { clientAddress } from './client-address';

describe('clientAddress', () => {
  const peer = '10.1.0.7';

  it('is the TCP peer when no proxy is trusted, whatever the header says', () => {
    expect(clientAddress('203.0.113.9', peer, 0)).toBe(peer);
    expect(clientAddress(undefined, peer, 0)).toBe(peer);
  });

  it('behind one proxy, is the entry that proxy wrote: the last one, not one the client forged', () => {
    expect(clientAddress('203.0.113.9', peer, 1)).toBe('203.0.113.9');
    expect(clientAddress('6.6.6.6, 203.0.113.9', peer, 1)).toBe('203.0.113.9');
    expect(clientAddress('6.6.6.6,7.7.7.7 ,  203.0.113.9', peer, 1)).toBe('203.0.113.9');
  });

  it('behind n proxies, is the n-th entry from the right', () => {
    expect(clientAddress('6.6.6.6, 203.0.113.9, 198.51.100.4', peer, 2)).toBe('203.0.113.9');
    expect(clientAddress('6.6.6.6, 203.0.113.9, 198.51.100.4', peer, 3)).toBe('6.6.6.6');
  });

  it('takes the leftmost entry when the request came through fewer proxies than trusted', () => {
    expect(clientAddress('203.0.113.9', peer, 2)).toBe('203.0.113.9');
  });

  it('joins repeated headers in order', () => {
    expect(clientAddress(['6.6.6.6', '203.0.113.9'], peer, 1)).toBe('203.0.113.9');
  });

  it('reads IPv6 entries, and entries a proxy wrote with a port', () => {
    expect(clientAddress('2001:db8::1', peer, 1)).toBe('2001:db8::1');
    expect(clientAddress('[2001:db8::1]:4711', peer, 1)).toBe('2001:db8::1');
    expect(clientAddress('203.0.113.9:4711', peer, 1)).toBe('203.0.113.9');
  });

  it('falls back to the peer when the header is empty or its entry is not an address', () => {
    expect(clientAddress(undefined, peer, 1)).toBe(peer);
    expect(clientAddress(' , ', peer, 1)).toBe(peer);
    expect(clientAddress('6.6.6.6, unknown', peer, 1)).toBe(peer);
    expect(clientAddress('203.0.113.9, not-an-ip:80', peer, 1)).toBe(peer);
  });
});
