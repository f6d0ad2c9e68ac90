import type { Producer, ProducerRecord } from 'kafkajs';
import { PRODUCER_LINGER_MS, PriceProducer } from './kafka-path';

/** A producer whose sends the test answers by hand, recording how many updates each carried. */
function heldProducer() {
  const sends: { updates: number; answer: () => void }[] = [];
  const producer: Pick<Producer, 'send' | 'disconnect'> = {
    send: (record: ProducerRecord) =>
      new Promise((resolve) => sends.push({ updates: record.messages.length, answer: () => resolve([]) })),
    disconnect: async () => undefined,
  };
  return { sends, producer };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** A feed whose first send, of update 1, has gone and been answered. */
async function feedAfterOneSend() {
  const { sends, producer } = heldProducer();
  const feed = new PriceProducer(producer, 'BTC-USDC');
  feed.send(1);
  await settle();
  sends[0].answer();
  await settle();
  return { sends, feed };
}

describe('PriceProducer', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] }));
  afterEach(() => jest.useRealTimers());

  it('sends a lone update at once, and every update queued in the same turn with it', async () => {
    const { sends, producer } = heldProducer();
    const feed = new PriceProducer(producer, 'BTC-USDC');
    feed.send(1);
    feed.send(2);
    await settle();
    expect(sends.map((send) => send.updates)).toEqual([2]);
    expect(feed.inFlight()).toBe(2);
  });

  it(`batches what comes within ${PRODUCER_LINGER_MS} ms of the last send, and sends it when the linger is over`, async () => {
    const { sends, feed } = await feedAfterOneSend();
    for (let n = 2; n <= 4; n++) {
      jest.advanceTimersByTime(1);
      feed.send(n);
      await settle();
    }
    expect(sends.map((send) => send.updates)).toEqual([1]);
    expect(feed.inFlight()).toBe(3);
    jest.advanceTimersByTime(PRODUCER_LINGER_MS);
    await settle();
    expect(sends.map((send) => send.updates)).toEqual([1, 3]);
    expect([feed.sends, feed.sentUpdates]).toEqual([2, 4]);
  });

  it('keeps one send in flight: what queues meanwhile goes when it is answered', async () => {
    const { sends, producer } = heldProducer();
    const feed = new PriceProducer(producer, 'BTC-USDC');
    feed.send(1);
    await settle();
    jest.advanceTimersByTime(PRODUCER_LINGER_MS * 4);
    feed.send(2);
    feed.send(3);
    await settle();
    jest.advanceTimersByTime(PRODUCER_LINGER_MS * 4);
    await settle();
    expect(sends.map((send) => send.updates)).toEqual([1]);
    sends[0].answer();
    await settle();
    expect(sends.map((send) => send.updates)).toEqual([1, 2]);
  });

  it('sends an update at once after a quiet spell: at low rates nothing waits', async () => {
    const { sends, feed } = await feedAfterOneSend();
    jest.advanceTimersByTime(100);
    feed.send(2);
    await settle();
    expect(sends.map((send) => send.updates)).toEqual([1, 1]);
  });
});
