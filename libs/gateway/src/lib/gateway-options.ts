export interface GatewayOptions {
  /** Anonymous sockets may join public rooms (no token needed). */
  allowAnonymous: boolean;
  /** Most rooms a socket may be in at once (its own private rooms included). */
  maxRoomsPerSocket: number;
  /** Most missed events replayed on a resume; beyond that the client gets a fresh snapshot. */
  maxResumeEvents: number;
  /** Included in /health. */
  version: string;
}

export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');
