/**
 * The closed set of error codes a client can receive, in acks and `error` events.
 *
 * @example
 * if (!ack.ok && ack.error.code === ErrorCode.RATE_LIMITED) retryAfter(ack.error.retryAfterMs);
 */
export enum ErrorCode {
  UNAUTHORIZED = 'UNAUTHORIZED',
  FORBIDDEN = 'FORBIDDEN',
  INVALID_ROOM = 'INVALID_ROOM',
  UNKNOWN_SYMBOL = 'UNKNOWN_SYMBOL',
  INVALID_PAYLOAD = 'INVALID_PAYLOAD',
  TOO_MANY_ROOMS = 'TOO_MANY_ROOMS',
  RATE_LIMITED = 'RATE_LIMITED',
  SERVER_BUSY = 'SERVER_BUSY',
  TOKEN_EXPIRED = 'TOKEN_EXPIRED',
  AUTH_UNAVAILABLE = 'AUTH_UNAVAILABLE',
  NOT_JOINED = 'NOT_JOINED',
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}

export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);

export interface GatewayErrorBody {
  code: ErrorCode;
  message: string;
  /** For RATE_LIMITED and SERVER_BUSY: when it is worth trying again. */
  retryAfterMs?: number;
}
