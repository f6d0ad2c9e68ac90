import { Cluster } from 'ioredis';
import { redisCommand } from './net-utils';
import { startRedisCluster, type RedisClusterHandle } from './redis-cluster-launcher';
import { uniqueName } from './shared-test-env';

describe('startRedisCluster', () => {
  let cluster: RedisClusterHandle;
  const clients: Cluster[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
  });

  afterAll(async () => {
    clients.forEach((client) => client.disconnect());
    await cluster?.stop();
  });

  function connect(options: { shardedSubscribers?: boolean } = {}): Cluster {
    const client = new Cluster(cluster.nodes, options);
    clients.push(client);
    return client;
  }

  it('brings up three masters that split the slots', async () => {
    expect(cluster.nodes).toHaveLength(3);
    for (const node of cluster.nodes) {
      const info = await redisCommand(node.host, node.port, ['CLUSTER', 'INFO']);
      expect(info).toMatch(/cluster_state:ok/);
      expect(info).toMatch(/cluster_known_nodes:3/);
      expect(info).toMatch(/cluster_slots_assigned:16384/);
    }
  });

  it('serves SET/GET for keys on every master', async () => {
    const client = connect();
    const keys = Array.from({ length: 30 }, (_, i) => uniqueName(`key${i}`));
    await Promise.all(keys.map((key, i) => client.set(key, String(i))));
    expect(await Promise.all(keys.map((key) => client.get(key)))).toEqual(keys.map((_, i) => String(i)));

    // The keys really are spread: every master holds some of them.
    const owners = new Set(
      await Promise.all(
        keys.map(async (key) => {
          const slot = Number(await client.cluster('KEYSLOT', key));
          const shards = await client.cluster('SLOTS');
          return shards.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
        }),
      ),
    );
    expect(owners.size).toBe(3);
  });

  it('delivers sharded pub/sub (SSUBSCRIBE/SPUBLISH) on channels of different slots', async () => {
    const subscriber = connect({ shardedSubscribers: true });
    const publisher = connect();
    const channels = ['{a}', '{b}', '{c}', '{d}'].map((tag) => `${tag}${uniqueName('room')}`);
    const received: [string, string][] = [];
    const allReceived = new Promise<void>((resolve) => {
      subscriber.on('smessage', (channel: string, message: string) => {
        received.push([channel, message]);
        if (received.length === channels.length) resolve();
      });
    });

    // Channels must share a slot per SSUBSCRIBE call (CROSSSLOT otherwise): one call each.
    for (const channel of channels) await subscriber.ssubscribe(channel);
    for (const channel of channels) {
      expect(await publisher.spublish(channel, `hello ${channel}`)).toBe(1);
    }
    await allReceived;
    expect(received.sort()).toEqual(channels.map((channel) => [channel, `hello ${channel}`]).sort());
  });
});
