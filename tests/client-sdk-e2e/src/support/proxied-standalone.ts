import { createGatewayClient, type BackoffOptions, type GatewayClient } from '@moonx-farm/client-sdk';
import type { AppProcessHandle } from '@moonx-farm/test-env';
import { devToken, startStandalone } from './standalone';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

/**
 * The standalone app behind a TCP proxy the test can cut or slow, for a describe block:
 * started before its tests; after them the clients made by `demoClient` disconnect, then the
 * proxy and the app stop.
 */
export function proxiedStandaloneFor(env: Record<string, string>): {
  proxy(): TcpProxy;
  /** An SDK client of demo-user (dev token) through the proxy, reconnecting quickly. */
  demoClient(reconnect: Partial<BackoffOptions>): GatewayClient;
} {
  let app: AppProcessHandle | undefined;
  let proxy: TcpProxy | undefined;
  const clients: GatewayClient[] = [];
  beforeAll(async () => {
    app = await startStandalone(env);
    proxy = await startTcpProxy(app.port);
  }, 30000);
  afterAll(async () => {
    clients.forEach((client) => client.disconnect());
    await proxy?.close();
    await app?.stop();
  }, 30000);
  const started = () => {
    if (!app || !proxy) throw new Error('the standalone app did not start');
    return { app, proxy };
  };
  return {
    proxy: () => started().proxy,
    demoClient: (reconnect) => {
      const { app: running, proxy: relay } = started();
      const client = createGatewayClient({ url: relay.url, getToken: () => devToken(running.url, 'demo-user'), reconnect });
      clients.push(client);
      return client;
    },
  };
}
