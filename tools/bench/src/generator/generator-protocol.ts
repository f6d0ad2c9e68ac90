import type { HistogramData } from '../lib/latency-histogram';

/** One client the generator opens: its handshake auth and the rooms it joins. */
export interface ClientPlan {
  token?: string;
  rooms: string[];
}

export interface ConnectCommand {
  type: 'connect';
  url: string;
  clients: ClientPlan[];
  /** Source addresses, used round robin. */
  sourceAddresses: string[];
  /** Handshakes in flight at once. */
  concurrency: number;
  timeoutMs: number;
  /** Ask for batched delivery (`auth.batch`), as the SDK does; servers that don't know it ignore it. */
  batch?: boolean;
}

export type GeneratorCommand =
  | ConnectCommand
  | { type: 'reset'; trackUpdates?: boolean }
  | { type: 'progress' }
  | { type: 'stats' }
  | { type: 'close' };

export interface ConnectResult {
  connected: number;
  failed: number;
  joinFailures: number;
  durationMs: number;
  /** Up to five distinct error messages. */
  errors: string[];
}

export interface ProgressResult {
  received: number;
}

export interface GeneratorStats {
  received: number;
  /** Data frames received (a batched frame holds several deliveries). */
  frames: number;
  /** Open clients that joined each room. */
  members: Record<string, number>;
  /** Messages missing between two received seqs of the same room, per client. */
  gaps: number;
  /** Messages whose seq was not above the last one seen. */
  outOfOrder: number;
  /** Messages without a bench send time (not counted in the latency histogram). */
  untimed: number;
  histogram: HistogramData;
  openClients: number;
  /** Clients that closed since the last reset. */
  disconnects: number;
  /** Resync snapshots received: the gateway conflated a slow socket's market data. */
  snapshots: number;
  /** With reset({ trackUpdates }): per update (by send time) [sentUs, firstUs, lastUs, receipts]. */
  updates?: [number, number, number, number][];
}

export type GeneratorReply =
  | { id: number; ok: true; result: ConnectResult | ProgressResult | GeneratorStats | null }
  | { id: number; ok: false; error: string };

export interface GeneratorRequest {
  id: number;
  command: GeneratorCommand;
}
