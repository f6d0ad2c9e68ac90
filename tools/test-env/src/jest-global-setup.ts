import { ensureKafkaTestBroker } from './ensure-binaries';
import { getGlobalTestEnvState, setGlobalTestEnvState, type GlobalTestEnvState } from './global-state';
import { startKafkaTestBroker } from './kafka-test-broker-launcher';
import { startKafkaTopicControl } from './kafka-topic-control';
import { startRedisServer } from './redis-server-launcher';
import { DEFAULT_KAFKA_TOPICS, DEFAULT_TOPIC_PARTITIONS, TEST_ENV_VARS } from './shared-test-env';
import { stopSharedTestEnv } from './jest-global-teardown';

/**
 * Jest global setup (root jest.config.js): starts one redis-server and one single-broker Kafka
 * test broker for the whole run and hands their addresses to the workers through process.env
 * (workers are forked after this and inherit it). It starts both whatever projects were
 * selected: together they take well under a second, and knowing which suites need them would
 * mean guessing. Only relative imports here: Jest's moduleNameMapper does not apply to it.
 */
export default async function globalSetup(): Promise<void> {
  // Watch mode runs the setup again per run; the previous servers are replaced.
  if (getGlobalTestEnvState()) await stopSharedTestEnv();

  const startedAt = Date.now();
  const state: GlobalTestEnvState = {};
  setGlobalTestEnvState(state);
  try {
    const binaryPath = ensureKafkaTestBroker();
    // allSettled, not all: when one fails, the other must be recorded before we clean up.
    const [redisResult, kafkaResult] = await Promise.allSettled([
      startRedisServer().then((handle) => (state.redis = handle)),
      startKafkaTestBroker({
        binaryPath,
        brokers: 1,
        topics: DEFAULT_KAFKA_TOPICS.map((name) => ({ name, partitions: DEFAULT_TOPIC_PARTITIONS })),
      }).then((handle) => (state.kafka = handle)),
    ]);
    if (redisResult.status === 'rejected') throw redisResult.reason;
    if (kafkaResult.status === 'rejected') throw kafkaResult.reason;
    const [redis, kafka] = [redisResult.value, kafkaResult.value];
    const kafkaControl = await startKafkaTopicControl(kafka);
    state.kafkaControl = kafkaControl;

    process.env[TEST_ENV_VARS.redisHost] = redis.host;
    process.env[TEST_ENV_VARS.redisPort] = String(redis.port);
    process.env[TEST_ENV_VARS.kafkaBrokers] = kafka.bootstrap;
    process.env[TEST_ENV_VARS.kafkaControlPort] = String(kafkaControl.port);
    process.stdout.write(
      `\n[test-env] redis-server ${redis.host}:${redis.port}, Kafka test broker ${kafka.bootstrap} ` +
        `(ready in ${Date.now() - startedAt} ms)\n`,
    );
  } catch (error) {
    // Jest skips the teardown when the setup throws; do not leave half the servers running.
    await stopSharedTestEnv();
    throw error;
  }
}
