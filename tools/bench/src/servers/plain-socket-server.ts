import { createServer, type Server as HttpServer } from 'node:http';
import { jwtVerify } from 'jose';
import { Server } from 'socket.io';

/*
 * The baseline: what a team would write by hand with Socket.IO. A JWT check in a middleware,
 * `join_room` with an ack, and (in the feeds that use it) `io.to(room).emit(...)` per update.
 * No sequencing, snapshots, resume, filters or metrics.
 */

export interface PlainSocketServer {
  io: Server;
  http: HttpServer;
  listen(): Promise<number>;
}

export interface PlainSocketServerOptions {
  jwtSecret: string;
  /** Called on the first join of a room (subscribe to its feed); awaited before the ack. */
  onFirstJoin?: (room: string) => Promise<void>;
}

export function createPlainSocketServer(options: PlainSocketServerOptions): PlainSocketServer {
  const http = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  const io = new Server(http, { transports: ['websocket'], serveClient: false, pingInterval: 25000, pingTimeout: 60000 });
  const key = new TextEncoder().encode(options.jwtSecret);
  const joined = new Map<string, Promise<void>>();

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token === '') return next();
    jwtVerify(token, key, { algorithms: ['HS256'] }).then(
      ({ payload }) => {
        socket.data.userId = String(payload.sub);
        next();
      },
      () => next(new Error('invalid token')),
    );
  });

  io.on('connection', (socket) => {
    socket.on('join_room', (request: { room?: unknown }, ack?: (reply: unknown) => void) => {
      const room = typeof request?.room === 'string' ? request.room : '';
      const owner = /^(user|portfolio|orders):(.+)$/.exec(room)?.[2];
      if (!room || (owner !== undefined && owner !== socket.data.userId)) {
        ack?.({ ok: false, error: { code: 'FORBIDDEN', message: 'not your room' } });
        return;
      }
      let ready = joined.get(room);
      if (!ready) {
        ready = options.onFirstJoin?.(room) ?? Promise.resolve();
        joined.set(room, ready);
      }
      ready.then(
        () => {
          void socket.join(room);
          ack?.({ ok: true, room });
        },
        (error: Error) => ack?.({ ok: false, error: { code: 'INTERNAL_ERROR', message: error.message } }),
      );
    });
  });

  return {
    io,
    http,
    listen: () =>
      new Promise((resolve) => {
        http.listen(0, '0.0.0.0', () => resolve((http.address() as { port: number }).port));
      }),
  };
}

/** Tells the runner (our parent, over IPC) which port we listen on; exits with the runner. */
export function reportReady(port: number): void {
  process.send?.({ ready: true, port });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}
