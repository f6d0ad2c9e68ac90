import type { KafkaBrokerHandle } from './kafka-test-broker-launcher';
import type { KafkaTopicControl } from './kafka-topic-control';
import type { RedisServerHandle } from './redis-server-launcher';

/** What the global setup started, kept for the global teardown (same process, same realm). */
export interface GlobalTestEnvState {
  redis?: RedisServerHandle;
  kafka?: KafkaBrokerHandle;
  kafkaControl?: KafkaTopicControl;
}

// A registered symbol rather than a module variable: Jest loads the setup and teardown files
// as separate module instances, so only globalThis is shared between them.
const STATE_KEY = Symbol.for('@moonx-farm/test-env/global-state');

type StateHolder = { [STATE_KEY]?: GlobalTestEnvState };

export function getGlobalTestEnvState(): GlobalTestEnvState | undefined {
  return (globalThis as StateHolder)[STATE_KEY];
}

export function setGlobalTestEnvState(state: GlobalTestEnvState | undefined): void {
  (globalThis as StateHolder)[STATE_KEY] = state;
}
