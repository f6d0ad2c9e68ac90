import type { EventSink, EventSource, RawEvent } from '../lib/ports/event-log.port';

export interface EventLogHarness {
  sink: EventSink;
  /** A consumer in `groupId`; a new group starts from the beginning of the topic. */
  createSource(groupId: string): EventSource;
  /** Creates a topic (Kafka test brokers cannot auto-create). */
  createTopic(name: string): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every EventSink + EventSource pair must have (Kafka and in-memory):
 * per-key order, redelivery of a failed batch, commits only after success.
 */
export function describeEventLogContract(name: string, createHarness: () => Promise<EventLogHarness>, timeoutMs = 30000): void {
  describe(`EventLog contract: ${name}`, () => {
    let harness: EventLogHarness;
    let counter = 0;
    const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${counter++}`;
    const eventually = async (check: () => boolean) => {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error('condition not met in time');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const valuesOf = (events: RawEvent[]) => events.map((event) => event.value?.toString());

    beforeAll(async () => {
      harness = await createHarness();
    }, timeoutMs);
    afterAll(async () => {
      await harness.cleanup();
    }, timeoutMs);

    it('delivers every message with key, value and headers, in order per key', async () => {
      const topic = uniqueName('contract-order');
      await harness.createTopic(topic);
      const sent = Array.from({ length: 30 }, (_, index) => ({ key: `k${index % 3}`, value: `m${index}`, headers: { n: String(index) } }));
      await harness.sink.send(topic, sent.slice(0, 15));
      await harness.sink.send(topic, sent.slice(15));
      const received: RawEvent[] = [];
      const source = harness.createSource(uniqueName('group'));
      await source.start([topic], async (batch) => {
        received.push(...batch);
      });
      await eventually(() => received.length >= sent.length);
      await source.stop();
      expect(received).toHaveLength(sent.length);
      for (const key of ['k0', 'k1', 'k2']) {
        const expected = sent.filter((message) => message.key === key).map((message) => message.value);
        expect(valuesOf(received.filter((event) => event.key === key))).toEqual(expected);
      }
      const first = received.find((event) => event.value?.toString() === 'm7');
      expect(first).toMatchObject({ topic, key: 'k1', headers: { n: '7' } });
      expect(typeof first?.offset).toBe('string');
    }, timeoutMs * 2);

    it('delivers a failed batch again and loses nothing', async () => {
      const topic = uniqueName('contract-retry');
      await harness.createTopic(topic);
      await harness.sink.send(topic, Array.from({ length: 10 }, (_, index) => ({ key: 'same', value: `r${index}` })));
      const received: string[] = [];
      let failures = 0;
      const source = harness.createSource(uniqueName('group'));
      await source.start([topic], async (batch) => {
        if (failures === 0 && batch.some((event) => event.value?.toString() === 'r4')) {
          failures++;
          throw new Error('transient failure');
        }
        received.push(...valuesOf(batch).map(String));
      });
      await eventually(() => new Set(received).size >= 10);
      await source.stop();
      expect(failures).toBe(1);
      expect([...new Set(received)]).toEqual(Array.from({ length: 10 }, (_, index) => `r${index}`));
    }, timeoutMs * 2);

    it('commits after success: a restarted consumer of the group gets only new messages', async () => {
      const topic = uniqueName('contract-commit');
      const group = uniqueName('group');
      await harness.createTopic(topic);
      await harness.sink.send(topic, [{ key: 'a', value: 'old-1' }, { key: 'a', value: 'old-2' }]);
      const firstRun: string[] = [];
      const first = harness.createSource(group);
      await first.start([topic], async (batch) => {
        firstRun.push(...valuesOf(batch).map(String));
      });
      await eventually(() => firstRun.length >= 2);
      await first.stop();

      await harness.sink.send(topic, [{ key: 'a', value: 'new-1' }]);
      const secondRun: string[] = [];
      const second = harness.createSource(group);
      await second.start([topic], async (batch) => {
        secondRun.push(...valuesOf(batch).map(String));
      });
      await eventually(() => secondRun.length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await second.stop();
      expect(firstRun).toEqual(['old-1', 'old-2']);
      expect(secondRun).toEqual(['new-1']);
    }, timeoutMs * 3);
  });
}
