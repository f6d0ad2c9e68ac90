import { Redis } from 'ioredis';
import { DEFAULT_KEY_PREFIX, WEBSOCKET_EVENTS, roomChannel, type DEXEventType } from '@moonx-farm/events';
import { createPlainSocketServer, reportReady } from './plain-socket-server';

/*
 * Baseline for scenarios 1-4: subscribes to the same sharded channels the gateway reads
 * (SSUBSCRIBE per room on first join) and does `io.to(room).emit(event, payload)` per envelope.
 * Env: REDIS_HOST, REDIS_PORT, JWT_SECRET.
 */
async function main(): Promise<void> {
  const subscriber = new Redis({ host: process.env['REDIS_HOST'] ?? '127.0.0.1', port: Number(process.env['REDIS_PORT'] ?? 6379) });
  const server = createPlainSocketServer({
    jwtSecret: process.env['JWT_SECRET'] ?? '',
    onFirstJoin: async (room) => {
      await subscriber.ssubscribe(roomChannel(room, DEFAULT_KEY_PREFIX));
    },
  });
  subscriber.on('smessage', (_channel: string, message: string) => {
    const envelope = JSON.parse(message) as { room: string; type: DEXEventType; payload: unknown };
    server.io.to(envelope.room).emit(WEBSOCKET_EVENTS[envelope.type], envelope.payload);
  });
  reportReady(await server.listen());
}

void main();
