import { startRedisCluster, uniqueName } from '@moonx-farm/test-env';
import { describeRoomStoreContract } from '@moonx-farm/server-core/testing';
import { createRedisRoomStoreHarness } from './redis-room-store.harness';

// The same contract on a 3-master Redis Cluster: every key of a room shares its hash slot,
// the Lua append runs on the slot's node and SPUBLISH reaches sharded subscribers.
describeRoomStoreContract('redis cluster (3 masters)', async () => {
  const cluster = await startRedisCluster({ masters: 3 });
  return createRedisRoomStoreHarness({ host: '', port: 0, db: 0, keyPrefix: `${uniqueName('c')}:`, clusterNodes: cluster.nodes }, () => cluster.stop());
});
