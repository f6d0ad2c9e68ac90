import { Kafka, logLevel } from 'kafkajs';
import { KAFKA_TOPICS, DEXEventType, createRoomName } from '@moonx-farm/events';
import { createPlainSocketServer, reportReady } from './plain-socket-server';

/*
 * Baseline for scenario 5: the naive bridge, a kafkajs consumer inside a plain Socket.IO
 * server emitting every price update to its room as it arrives (no validation beyond
 * JSON.parse, no sequencing, no Redis). Env: KAFKA_BROKERS, KAFKA_GROUP_ID, KAFKA_MAX_WAIT_MS,
 * KAFKA_SESSION_TIMEOUT, KAFKA_HEARTBEAT_INTERVAL, JWT_SECRET.
 */
interface PriceEvent {
  id?: string;
  symbol: string;
  timestamp: number;
  data: Record<string, unknown>;
}

async function main(): Promise<void> {
  const server = createPlainSocketServer({ jwtSecret: process.env['JWT_SECRET'] ?? '' });
  const kafka = new Kafka({
    clientId: 'bench-naive-bridge',
    brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({
    groupId: process.env['KAFKA_GROUP_ID'] ?? 'bench-naive-bridge',
    maxWaitTimeInMs: Number(process.env['KAFKA_MAX_WAIT_MS'] ?? 5),
    sessionTimeout: Number(process.env['KAFKA_SESSION_TIMEOUT'] ?? 6000),
    heartbeatInterval: Number(process.env['KAFKA_HEARTBEAT_INTERVAL'] ?? 1000),
  });
  const joinedGroup = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic: KAFKA_TOPICS[DEXEventType.PRICE_UPDATE], fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value?.toString() ?? '{}') as PriceEvent;
      const room = createRoomName.price(event.symbol);
      server.io.to(room).emit('price_update', { room, id: event.id, timestamp: event.timestamp, symbol: event.symbol, ...event.data });
    },
  });
  await joinedGroup;
  reportReady(await server.listen());
}

void main();
