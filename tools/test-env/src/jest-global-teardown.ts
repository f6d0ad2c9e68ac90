import { getGlobalTestEnvState, setGlobalTestEnvState } from './global-state';
import { TEST_ENV_VARS } from './shared-test-env';

/**
 * Stops what the global setup started. Every part is stopped even if another fails, so a
 * broken redis-server cannot leave the Kafka test broker running (and vice versa).
 */
export async function stopSharedTestEnv(): Promise<void> {
  const state = getGlobalTestEnvState();
  setGlobalTestEnvState(undefined);
  for (const name of Object.values(TEST_ENV_VARS)) delete process.env[name];
  if (!state) return;
  const results = await Promise.allSettled([
    state.kafkaControl?.close(),
    state.kafka?.stop(),
    state.redis?.stop(),
  ]);
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length > 0) {
    throw new Error(`test-env teardown: ${failures.map((failure) => String(failure.reason)).join('; ')}`);
  }
}

/** Jest global teardown (root jest.config.js); Jest runs it also when tests failed. */
export default async function globalTeardown(): Promise<void> {
  await stopSharedTestEnv();
}
