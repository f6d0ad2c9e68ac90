import Redis from 'ioredis';
import { DEXEventType } from '@moonx-farm/events';
import { messageTailOf, type RedisSettings } from '@moonx-farm/server-core';
import { startRedisCluster, startRedisServer, uniqueName, waitFor } from '@moonx-farm/test-env';
import { createRedisRoomStoreHarness } from './redis-room-store.harness';

/*
 * A feed whose connection drops tells its interruption listener (a gateway then stops trusting
 * what it concluded from seeing no message of a room), and receives the room's messages again
 * once ioredis has subscribed again. Each topology runs on servers of its own: killing every
 * subscriber of the shared server would break the suites running beside this one.
 */
describe.each([
  ['a single Redis', async () => {
    const server = await startRedisServer();
    return { nodes: [{ host: server.host, port: server.port }], clusterNodes: [], stop: () => server.stop() };
  }],
  ['a 3-master Redis Cluster', async () => {
    const cluster = await startRedisCluster({ masters: 3 });
    return { nodes: cluster.nodes, clusterNodes: cluster.nodes, stop: () => cluster.stop() };
  }],
])('RedisRoomFeed on %s', (_name, start) => {
  it('tells its interruption listener when its connection drops, and receives the room again after', async () => {
    const servers = await start();
    const prefix = `${uniqueName('feed')}:`;
    const [first] = servers.nodes;
    const settings: RedisSettings = { host: first.host, port: first.port, db: 0, keyPrefix: prefix, clusterNodes: servers.clusterNodes };
    const harness = await createRedisRoomStoreHarness(settings, servers.stop);
    try {
      const room = 'price:BTC-USDC';
      let counter = 0;
      const append = () => {
        const eventId = `e-${++counter}`;
        const tail = messageTailOf({ room, id: eventId, timestamp: Date.now(), symbol: 'BTC-USDC', price: String(counter) });
        return harness.store.append({ room, type: DEXEventType.PRICE_UPDATE, eventId, messageTail: tail, snapshotTail: tail, publishedAt: Date.now() });
      };
      const feed = await harness.createFeed();
      const received: number[] = [];
      let interruptions = 0;
      feed.setListener((_room, envelope) => received.push((JSON.parse(envelope) as { seq: number }).seq));
      feed.setInterruptionListener(() => interruptions++);
      await feed.subscribe(room);
      await append();
      await waitFor(() => received.includes(1), 5000, 'the first message');
      expect(interruptions).toBe(0);

      for (const node of servers.nodes) {
        const admin = new Redis(node.port, node.host, { lazyConnect: true });
        await admin.connect();
        await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
        await admin.quit();
      }
      await waitFor(() => interruptions > 0, 5000, 'the interruption');

      // Subscribed again by ioredis: a message published now arrives (one every 100 ms until one does).
      await waitFor(
        async () => {
          if (received.some((seq) => seq > 1)) return true;
          await append();
          return false;
        },
        10000,
        'a message after the reconnect',
        100,
      );
      await feed.close();
    } finally {
      await harness.cleanup();
    }
  }, 60000);
});
