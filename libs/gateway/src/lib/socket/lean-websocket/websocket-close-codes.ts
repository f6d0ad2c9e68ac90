/** The close status codes this engine sends (RFC 6455 section 7.4.1). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  NoStatus: 1005,
  Abnormal: 1006,
  InvalidPayload: 1007,
  MessageTooBig: 1009,
  InternalError: 1011,
} as const;

/**
 * Whether a code may appear in a close frame: the registered codes (1004-1006 and 1015 are
 * reserved for reporting and never sent) and the ranges for libraries and applications.
 */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}
