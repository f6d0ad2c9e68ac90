import { DEXEventType, KAFKA_TOPICS } from './event-types';
import { EventValidationError, createEventPublisher, partitionKeyOf, KafkaProducerLike } from './event-publisher';
import { producerEventSchema, ProducerEventInput } from './producer-event.schema';

type SendRecord = Parameters<KafkaProducerLike['send']>[0];

/** A plain stand-in for a kafkajs producer that records what it is asked to send. */
function recordingProducer(): KafkaProducerLike & { sent: SendRecord[] } {
  const sent: SendRecord[] = [];
  return {
    sent,
    async send(record) {
      sent.push(record);
      return [];
    },
  };
}

const NOW = 1700000000000;

const price: ProducerEventInput = {
  type: DEXEventType.PRICE_UPDATE,
  symbol: 'btc-usdc',
  data: { price: 45000.5, change: 2.5, volume: '1234567.890' },
  timestamp: NOW,
};
const book: ProducerEventInput = {
  type: DEXEventType.ORDER_BOOK_UPDATE,
  symbol: 'eth-usdc',
  data: { bids: [[2500, 1.5]], asks: [['2501.00', '0.8']] },
  timestamp: NOW,
};
const privateTrade: ProducerEventInput = {
  type: DEXEventType.TRADE_NOTIFICATION,
  symbol: 'ETH-USDC',
  userId: 'did:privy:abc',
  data: { price: 2500, amount: '1.000000000000000001', side: 'buy' },
  timestamp: NOW,
};
const publicTrade: ProducerEventInput = {
  type: DEXEventType.TRADE_NOTIFICATION,
  symbol: 'eth-usdc',
  data: { price: 2500, amount: 0.1, side: 'sell' },
  timestamp: NOW,
};
const portfolio: ProducerEventInput = {
  type: DEXEventType.PORTFOLIO_UPDATE,
  userId: 'user-123',
  data: { totalValue: 50000, positions: [{ symbol: 'btc-usdc', amount: 1.2, value: 30000 }] },
  timestamp: NOW,
};
const alert: ProducerEventInput = {
  type: DEXEventType.SYSTEM_ALERT,
  data: { level: 'warning', message: 'maintenance at 02:00 UTC' },
  timestamp: NOW,
};

function onlyMessage(producer: { sent: SendRecord[] }) {
  expect(producer.sent).toHaveLength(1);
  expect(producer.sent[0].messages).toHaveLength(1);
  return { topic: producer.sent[0].topic, ...producer.sent[0].messages[0] };
}

describe('createEventPublisher().publish', () => {
  it.each<[string, ProducerEventInput, string, string]>([
    ['price update', price, 'price.updates', 'BTC-USDC'],
    ['order book update', book, 'order.book.updates', 'ETH-USDC'],
    ['private trade', privateTrade, 'trade.notifications', 'did:privy:abc'],
    ['public trade', publicTrade, 'trade.notifications', 'ETH-USDC'],
    ['portfolio update', portfolio, 'portfolio.updates', 'user-123'],
    ['system alert', alert, 'system.alerts', 'system'],
  ])('%s: topic from KAFKA_TOPICS, partition key, event-type header', async (_label, input, topic, key) => {
    const producer = recordingProducer();
    await createEventPublisher(producer).publish(input);
    const message = onlyMessage(producer);
    expect(message.topic).toBe(topic);
    expect(message.topic).toBe(KAFKA_TOPICS[input.type]);
    expect(message.key).toBe(key);
    expect(message.headers).toEqual({ 'event-type': input.type });
  });

  it('sends the normalised event as JSON: decimals as canonical strings, symbol upper-cased', async () => {
    const producer = recordingProducer();
    const published = await createEventPublisher(producer).publish({
      ...price,
      extra: 'dropped',
    } as ProducerEventInput);
    const sent = JSON.parse(onlyMessage(producer).value);
    expect(sent).toEqual({
      type: 'price_update',
      symbol: 'BTC-USDC',
      data: { price: '45000.5', change: '2.5', volume: '1234567.89' },
      timestamp: NOW,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(published).toEqual({ topic: 'price.updates', key: 'BTC-USDC', event: sent });
  });

  it('gives each event an idempotency id unless the producer set one', async () => {
    const producer = recordingProducer();
    const [generated, other, own] = await createEventPublisher(producer).publishMany([price, price, { ...price, id: 'order-42-fill-1' }]);
    expect(generated.event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(other.event.id).not.toBe(generated.event.id);
    expect(own.event.id).toBe('order-42-fill-1');
  });

  it('keeps an 18-decimal amount exact on the wire', async () => {
    const producer = recordingProducer();
    await createEventPublisher(producer).publish(privateTrade);
    expect(JSON.parse(onlyMessage(producer).value).data.amount).toBe('1.000000000000000001');
  });

  it('what it sends parses again with the producer schema to the same event (ingest re-validates)', async () => {
    const producer = recordingProducer();
    await createEventPublisher(producer).publishMany([price, book, privateTrade, publicTrade, portfolio, alert]);
    const values = producer.sent.flatMap((record) => record.messages.map((message) => JSON.parse(message.value)));
    expect(values).toHaveLength(6);
    for (const value of values) expect(producerEventSchema.parse(value)).toEqual(value);
  });

  it('throws EventValidationError with the issues and sends nothing for an invalid event', async () => {
    const producer = recordingProducer();
    const publisher = createEventPublisher(producer);
    const bad = { ...privateTrade, data: { price: 2500, amount: 0, side: 'buy' } } as ProducerEventInput;
    const error = await publisher.publish(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).name).toBe('EventValidationError');
    expect((error as EventValidationError).message).toMatch(/^invalid trade_notification: data\.amount: /);
    expect((error as EventValidationError).issues).toEqual([
      expect.objectContaining({ path: ['data', 'amount'], message: expect.any(String) }),
    ]);
    expect(producer.sent).toEqual([]);
  });

  it('names the event "event" when the input has no type', async () => {
    const producer = recordingProducer();
    const publish = createEventPublisher(producer).publish;
    await expect(publish({} as ProducerEventInput)).rejects.toThrow(/^invalid event: type: /);
    await expect(publish(null as unknown as ProducerEventInput)).rejects.toBeInstanceOf(EventValidationError);
    expect(producer.sent).toEqual([]);
  });

  it('works when its methods are detached from the publisher object', async () => {
    const producer = recordingProducer();
    const { publish, publishMany } = createEventPublisher(producer);
    await publish(alert);
    await Promise.all([price].map(publish));
    await publishMany([portfolio]);
    expect(producer.sent.map((record) => record.topic)).toEqual(['system.alerts', 'price.updates', 'portfolio.updates']);
  });

  it('propagates a producer failure', async () => {
    const producer: KafkaProducerLike = { send: async () => Promise.reject(new Error('broker down')) };
    await expect(createEventPublisher(producer).publish(alert)).rejects.toThrow('broker down');
  });
});

describe('createEventPublisher().publishMany', () => {
  it('groups messages by topic, one send per topic, keeping input order within a topic', async () => {
    const producer = recordingProducer();
    const secondPrice = { ...price, symbol: 'eth-usdc', data: { price: '2500' } } as ProducerEventInput;
    const published = await createEventPublisher(producer).publishMany([price, privateTrade, secondPrice, publicTrade, alert]);

    expect(producer.sent.map((record) => record.topic)).toEqual(['price.updates', 'trade.notifications', 'system.alerts']);
    expect(producer.sent[0].messages.map((message) => message.key)).toEqual(['BTC-USDC', 'ETH-USDC']);
    expect(producer.sent[1].messages.map((message) => message.key)).toEqual(['did:privy:abc', 'ETH-USDC']);
    expect(producer.sent[2].messages.map((message) => message.key)).toEqual(['system']);
    // The result follows the input order, not the grouping.
    expect(published.map((item) => item.key)).toEqual(['BTC-USDC', 'did:privy:abc', 'ETH-USDC', 'ETH-USDC', 'system']);
  });

  it('sends nothing when any event of the batch is invalid, even the last one', async () => {
    const producer = recordingProducer();
    const invalid = { ...alert, data: { level: 'panic', message: 'x' } } as unknown as ProducerEventInput;
    await expect(createEventPublisher(producer).publishMany([price, portfolio, invalid])).rejects.toBeInstanceOf(
      EventValidationError,
    );
    expect(producer.sent).toEqual([]);
  });

  it('sends nothing for an empty batch', async () => {
    const producer = recordingProducer();
    await expect(createEventPublisher(producer).publishMany([])).resolves.toEqual([]);
    expect(producer.sent).toEqual([]);
  });
});

describe('partitionKeyOf', () => {
  it('keys market data by symbol, private events by user, alerts by "system"', () => {
    const key = (input: ProducerEventInput) => partitionKeyOf(producerEventSchema.parse(input));
    expect([price, book, privateTrade, publicTrade, portfolio, alert].map(key)).toEqual([
      'BTC-USDC',
      'ETH-USDC',
      'did:privy:abc',
      'ETH-USDC',
      'user-123',
      'system',
    ]);
  });
});
