import { ErrorCode, type GatewayErrorBody } from '@moonx-farm/events';

/**
 * Codes the SDK raises itself, beside the server's `ErrorCode`s:
 * - `CONNECTION_FAILED`: the socket could not connect or lost its connection (network, server down).
 * - `REQUEST_TIMEOUT`: the server did not answer a request in `requestTimeoutMs`.
 * - `TOKEN_PROVIDER_FAILED`: the application's `getToken` threw or rejected.
 * - `BOOK_CHECKSUM_MISMATCH`: the local order book disagreed with the server's checksum (it resyncs on its own).
 */
export const ClientErrorCode = {
  CONNECTION_FAILED: 'CONNECTION_FAILED',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  TOKEN_PROVIDER_FAILED: 'TOKEN_PROVIDER_FAILED',
  BOOK_CHECKSUM_MISMATCH: 'BOOK_CHECKSUM_MISMATCH',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export type GatewayClientErrorCode = ErrorCode | ClientErrorCode;

/**
 * Every error the SDK reports, on the client's or a subscription's `error` event.
 *
 * @example
 * client.on('error', (error) => {
 *   if (error.code === ErrorCode.UNAUTHORIZED) signIn();
 * });
 */
export class GatewayClientError extends Error {
  override readonly name = 'GatewayClientError';

  constructor(
    readonly code: GatewayClientErrorCode,
    message: string,
    /** For RATE_LIMITED and SERVER_BUSY: when the server suggests trying again. */
    readonly retryAfterMs?: number,
    /** The room a failed request was about. */
    readonly room?: string,
  ) {
    super(message);
  }

  static fromBody(body: GatewayErrorBody, room?: string): GatewayClientError {
    return new GatewayClientError(body.code, body.message, body.retryAfterMs, room);
  }
}

const SERVER_CODES = new Set<string>(Object.values(ErrorCode));

/** Reads the `{code, message}` a server attaches to a refused handshake (`connect_error`). */
export function errorFromConnectError(error: Error & { data?: unknown }): GatewayClientError {
  const data = error.data as Partial<GatewayErrorBody> | undefined;
  if (data && typeof data.code === 'string' && SERVER_CODES.has(data.code)) {
    return new GatewayClientError(data.code as ErrorCode, data.message ?? error.message, data.retryAfterMs);
  }
  return new GatewayClientError(ClientErrorCode.CONNECTION_FAILED, error.message);
}

/** Whether retrying the same request later can succeed without anything changing. */
export function isTransient(code: GatewayClientErrorCode): boolean {
  return (
    code === ErrorCode.RATE_LIMITED ||
    code === ErrorCode.SERVER_BUSY ||
    code === ErrorCode.INTERNAL_ERROR ||
    code === ErrorCode.AUTH_UNAVAILABLE ||
    code === ClientErrorCode.REQUEST_TIMEOUT ||
    code === ClientErrorCode.CONNECTION_FAILED
  );
}
