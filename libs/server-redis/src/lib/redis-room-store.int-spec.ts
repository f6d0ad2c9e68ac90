import { getSharedTestEnv, uniqueName } from '@moonx-farm/test-env';
import { describeRoomStoreContract } from '@moonx-farm/server-core/testing';
import { createRedisRoomStoreHarness } from './redis-room-store.harness';

describeRoomStoreContract('redis (single node)', () => {
  const { redis } = getSharedTestEnv();
  // A unique key prefix isolates this suite on the shared server.
  return createRedisRoomStoreHarness({ host: redis.host, port: redis.port, db: 0, keyPrefix: `${uniqueName('t')}:`, clusterNodes: [] });
});
