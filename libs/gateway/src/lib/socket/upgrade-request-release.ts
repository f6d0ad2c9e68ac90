import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Server } from 'socket.io';

/** The Engine.IO internals this reads (not in its type declarations). */
interface EngineUpgradeInternals {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  middlewares?: unknown[];
}

/**
 * Lets the HTTP upgrade request of each WebSocket be collected once the handshake is over.
 *
 * Engine.IO wraps every upgrade in a response stand-in for its middlewares and, for their sake,
 * forwards the TCP socket's `close` to it through a listener it adds first thing. That listener
 * keeps the stand-in, and through it the whole request (headers, raw headers, stream state),
 * alive as long as the connection: about a kilobyte per idle connection, which Socket.IO's own
 * advice (`conn.request = null`) does not free. Without Engine.IO middlewares nobody listens
 * to the stand-in, so the listener is removed right after the upgrade is handled. The
 * middlewares Engine.IO installs from its options (cors) do not listen either; once one is added
 * later (`io.engine.use`), the listener stays. Engine.IO internals, used defensively: if
 * `handleUpgrade` is missing, nothing changes.
 */
export function releaseUpgradeRequests(server: Server): void {
  const engine = server.engine as unknown as EngineUpgradeInternals;
  const handleUpgrade = engine.handleUpgrade;
  if (typeof handleUpgrade !== 'function') return;
  const ownMiddlewares = engine.middlewares?.length ?? 0;
  engine.handleUpgrade = function (this: EngineUpgradeInternals, request, socket, head) {
    const before = socket.listeners('close');
    handleUpgrade.call(this, request, socket, head);
    if ((this.middlewares?.length ?? 0) > ownMiddlewares) return;
    // The stand-in's listener is the first one the upgrade adds (ws may add its own later).
    const forwarder = socket.listeners('close').find((listener) => !before.includes(listener));
    if (forwarder) socket.removeListener('close', forwarder as (...args: unknown[]) => void);
  };
}
