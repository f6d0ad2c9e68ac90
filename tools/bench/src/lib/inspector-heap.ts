import WebSocket from 'ws';

/*
 * The V8 heap a server really holds, read from outside through its inspector. RSS a few seconds
 * after a burst of connects still counts the handshakes' garbage, which V8 has not collected yet,
 * so it is noisy and overstates the live cost of a connection. A full GC asked for over the Chrome
 * DevTools Protocol, then `process.memoryUsage()` evaluated in the server, gives the heap that is
 * still reachable, the same way for the gateway and the baseline (neither has to cooperate: they
 * only have to be started with `--inspect=127.0.0.1:<port>`).
 */

/** `process.memoryUsage()` of the inspected process, bytes. */
export interface MemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

interface ProtocolReply {
  id?: number;
  result?: { result?: { type?: string; value?: unknown } };
  error?: { message?: string };
}

interface InspectorTarget {
  type?: string;
  webSocketDebuggerUrl?: string;
}

const DEFAULT_TIMEOUT_MS = 30000;

/** The debugger WebSocket URL of the node process whose inspector listens on `port`. */
export async function inspectorWebSocketUrl(port: number, host = '127.0.0.1'): Promise<string> {
  const response = await fetch(`http://${host}:${port}/json/list`);
  if (!response.ok) throw new Error(`inspector on ${host}:${port} answered ${response.status}`);
  const targets = (await response.json()) as InspectorTarget[];
  const target = targets.find((entry) => entry.type === 'node' && entry.webSocketDebuggerUrl) ?? targets.find((entry) => entry.webSocketDebuggerUrl);
  if (!target?.webSocketDebuggerUrl) throw new Error(`no debugger target on ${host}:${port}`);
  return target.webSocketDebuggerUrl;
}

/** One DevTools Protocol session: numbered requests, each answered by the reply with its id. */
export class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(reply: ProtocolReply): void; reject(error: Error): void }>();

  private constructor(private readonly socket: WebSocket, private readonly timeoutMs: number) {
    socket.on('message', (data) => this.onMessage(data.toString()));
    socket.on('close', () => this.failAll(new Error('inspector session closed')));
    socket.on('error', (error) => this.failAll(error));
  }

  static async open(port: number, options: { host?: string; timeoutMs?: number } = {}): Promise<InspectorSession> {
    const url = await inspectorWebSocketUrl(port, options.host);
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new InspectorSession(socket, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  /** Sends one protocol method and resolves with its reply; rejects on a protocol error or timeout. */
  send(method: string, params: Record<string, unknown> = {}): Promise<ProtocolReply> {
    const id = this.nextId++;
    return new Promise<ProtocolReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} got no reply in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          if (reply.error) reject(new Error(`${method}: ${reply.error.message ?? 'protocol error'}`));
          else resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /**
   * A full (mark-compact) GC. Twice by default: objects whose last reference was a weak
   * callback or finaliser of the first pass are only freed by the second.
   */
  async collectGarbage(passes = 2): Promise<void> {
    for (let pass = 0; pass < passes; pass++) await this.send('HeapProfiler.collectGarbage');
  }

  /** `process.memoryUsage()` evaluated in the inspected process (its main context has `process`). */
  async memoryUsage(): Promise<MemoryUsage> {
    const reply = await this.send('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
    const value = reply.result?.result?.value;
    if (typeof value !== 'string') throw new Error(`process.memoryUsage() returned ${JSON.stringify(reply.result?.result)}`);
    return JSON.parse(value) as MemoryUsage;
  }

  /** Evaluates an expression for its side effects (the spec uses it to drop garbage). */
  async evaluate(expression: string): Promise<void> {
    await this.send('Runtime.evaluate', { expression });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }

  private onMessage(text: string): void {
    let reply: ProtocolReply;
    try {
      reply = JSON.parse(text) as ProtocolReply;
    } catch {
      return;
    }
    // Replies carry the request's id; events (no id) are not asked for and are ignored.
    if (reply.id === undefined) return;
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    waiter.resolve(reply);
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/** heapUsed (bytes) of the process whose inspector listens on `port`, after a full GC. */
export async function heapUsedAfterGc(port: number, options: { host?: string; timeoutMs?: number } = {}): Promise<number> {
  const session = await InspectorSession.open(port, options);
  try {
    await session.collectGarbage();
    return (await session.memoryUsage()).heapUsed;
  } finally {
    await session.close();
  }
}

/** NODE_OPTIONS entry that opens the inspector on loopback only, at a port chosen beforehand. */
export function inspectNodeOption(port: number): string {
  return `--inspect=127.0.0.1:${port}`;
}
