/**
 * Revocations: "every token of this user issued before T is void". The auth bridge records
 * them; every gateway replica hears them and drops that user's sockets.
 */
export interface Revocation {
  userId: string;
  /** Epoch ms: tokens issued at or before this instant are void. */
  revokedAt: number;
}

export type RevocationListener = (revocation: Revocation) => void;

export interface RevocationBus {
  revoke(revocation: Revocation): Promise<void>;
  /** The latest revocation instant of a user, if any is still remembered. */
  revokedAt(userId: string): Promise<number | undefined>;
  /** Starts listening (resolves once subscribed). */
  listen(listener: RevocationListener): Promise<void>;
  close(): Promise<void>;
}

export const REVOCATION_BUS = Symbol('REVOCATION_BUS');
