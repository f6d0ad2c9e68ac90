// Public API of the test environment used by integration tests (@moonx-farm/test-env).
export { startRedisServer } from './redis-server-launcher';
export type { RedisServerHandle, RedisServerOptions } from './redis-server-launcher';
export { startRedisCluster } from './redis-cluster-launcher';
export type { RedisClusterHandle, RedisClusterNode, RedisClusterOptions } from './redis-cluster-launcher';
export { startKafkaTestBroker } from './kafka-test-broker-launcher';
export type { KafkaBrokerHandle, KafkaTestBrokerOptions, KafkaTopicSpec } from './kafka-test-broker-launcher';
export { ensureKafkaTestBroker, findWorkspaceRoot } from './ensure-binaries';
export {
  DEFAULT_KAFKA_TOPICS,
  DEFAULT_TOPIC_PARTITIONS,
  TEST_ENV_VARS,
  createSharedKafkaTopic,
  getSharedTestEnv,
  uniqueName,
} from './shared-test-env';
export type { SharedTestEnv } from './shared-test-env';
export { findFreePort, isPortFree } from './net-utils';
export { startAppProcess } from './app-process-launcher';
export type { AppProcessHandle, AppProcessOptions } from './app-process-launcher';
export { connectTestSocket } from './socket-test-client';
export type { TestSocket, TestSocketOptions, RecordedEvent } from './socket-test-client';
export { waitFor } from './wait-for';
