import { DEAD_LETTER_TOPIC, DEXEventType, DEX_EVENT_TYPES, KAFKA_TOPICS, WEBSOCKET_EVENTS, eventTypeForTopic } from './event-types';
import { DEFAULT_KEY_PREFIX, roomChannel, roomKeys } from './room-envelope';
import { DELIVERED_MESSAGE_SCHEMAS } from './delivered-event.schema';
import { ERROR_CODES, ErrorCode } from './error-codes';
import { REPLY_EVENTS } from './socket-event-maps';

describe('event types, Kafka topics and Socket.IO event names', () => {
  it('has the five event types of the original README', () => {
    expect([...DEX_EVENT_TYPES]).toEqual([
      'price_update',
      'order_book_update',
      'trade_notification',
      'portfolio_update',
      'system_alert',
    ]);
  });

  it('maps every event type to the README topic and Socket.IO event name', () => {
    expect(DEX_EVENT_TYPES.map((type) => KAFKA_TOPICS[type])).toEqual([
      'price.updates',
      'order.book.updates',
      'trade.notifications',
      'portfolio.updates',
      'system.alerts',
    ]);
    for (const type of DEX_EVENT_TYPES) expect(WEBSOCKET_EVENTS[type]).toBe(type);
    expect(Object.keys(KAFKA_TOPICS).sort()).toEqual([...DEX_EVENT_TYPES].sort());
    expect(Object.keys(WEBSOCKET_EVENTS).sort()).toEqual([...DEX_EVENT_TYPES].sort());
    expect(Object.keys(DELIVERED_MESSAGE_SCHEMAS).sort()).toEqual([...DEX_EVENT_TYPES].sort());
  });

  it('topics are distinct and the dead-letter topic is none of them', () => {
    const topics = Object.values(KAFKA_TOPICS);
    expect(new Set(topics).size).toBe(topics.length);
    expect(topics).not.toContain(DEAD_LETTER_TOPIC);
  });

  it('eventTypeForTopic is the inverse of KAFKA_TOPICS', () => {
    for (const type of DEX_EVENT_TYPES) expect(eventTypeForTopic(KAFKA_TOPICS[type])).toBe(type);
    expect(eventTypeForTopic(KAFKA_TOPICS[DEXEventType.SYSTEM_ALERT])).toBe(DEXEventType.SYSTEM_ALERT);
  });

  it.each([DEAD_LETTER_TOPIC, 'price_update', 'PRICE.UPDATES', 'price.updates ', '', 'toString', '__proto__'])(
    'eventTypeForTopic(%p) is undefined',
    (topic) => {
      expect(eventTypeForTopic(topic)).toBeUndefined();
    },
  );
});

describe('REPLY_EVENTS', () => {
  it('covers every client event with its reply event', () => {
    expect(REPLY_EVENTS).toEqual({
      join_room: 'room_joined',
      leave_room: 'room_left',
      subscribe: 'subscribed',
      refresh_token: 'token_refreshed',
      ping: 'pong',
    });
    const replies = Object.values(REPLY_EVENTS);
    expect(new Set(replies).size).toBe(replies.length);
  });
});

describe('error codes', () => {
  it('is a closed set whose values equal their names', () => {
    expect(ERROR_CODES).toContain(ErrorCode.INVALID_ROOM);
    expect(ERROR_CODES).toHaveLength(12);
    for (const code of ERROR_CODES) expect(ErrorCode[code]).toBe(code);
  });
});

describe('roomKeys', () => {
  const HASH_TAG = /\{([^}]*)\}/;

  it('puts every key of a room in one Redis Cluster hash slot through one {room} hash tag', () => {
    const keys = roomKeys('price:BTC-USDC');
    expect(keys).toEqual({
      channel: 'wsg:{price:BTC-USDC}:live',
      seq: 'wsg:{price:BTC-USDC}:seq',
      snapshot: 'wsg:{price:BTC-USDC}:snap',
      history: 'wsg:{price:BTC-USDC}:hist',
      seen: 'wsg:{price:BTC-USDC}:seen',
    });
    // Redis hashes only the text inside the first {...}: it must be the room for every key.
    for (const key of Object.values(keys)) expect(HASH_TAG.exec(key)?.[1]).toBe('price:BTC-USDC');
    expect(new Set(Object.values(keys)).size).toBe(Object.keys(keys).length);
  });

  it('keeps the hash tag for user ids with colons and honours a custom prefix', () => {
    const keys = roomKeys('user:did:privy:abc', 'test:');
    for (const key of Object.values(keys)) {
      expect(key.startsWith('test:{user:did:privy:abc}:')).toBe(true);
      expect(HASH_TAG.exec(key)?.[1]).toBe('user:did:privy:abc');
    }
  });

  it('different rooms get different keys, and roomChannel is the live channel', () => {
    expect(roomKeys('price:BTC-USDC').seq).not.toBe(roomKeys('price:ETH-USDC').seq);
    expect(DEFAULT_KEY_PREFIX).toBe('wsg:');
    expect(roomChannel('trade:ETH-USDC')).toBe(roomKeys('trade:ETH-USDC').channel);
    expect(roomChannel('trade:ETH-USDC', 'x:')).toBe('x:{trade:ETH-USDC}:live');
  });
});
