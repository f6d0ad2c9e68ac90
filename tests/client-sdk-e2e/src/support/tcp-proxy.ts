import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP relay in front of a server, whose connections a test can cut to simulate a network drop. */
export interface TcpProxy {
  url: string;
  /** Destroys every open connection (both sides). */
  dropAll(): void;
  /** While down, new connections are cut at once (the server looks unreachable). */
  setDown(down: boolean): void;
  /** Connections opened from now on carry client → server bytes this much later (a slow uplink). */
  setUpstreamDelay(ms: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let down = false;
  let upstreamDelayMs = 0;
  const server = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    open.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    const delayMs = upstreamDelayMs;
    if (delayMs > 0) {
      // Every chunk waits the same time, so their order is kept.
      client.on('data', (chunk: Buffer) => setTimeout(() => upstream.destroyed || upstream.write(chunk), delayMs));
    } else client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropAll: () => open.forEach((socket) => socket.destroy()),
    setDown: (value) => {
      down = value;
    },
    setUpstreamDelay: (ms) => {
      upstreamDelayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        open.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
