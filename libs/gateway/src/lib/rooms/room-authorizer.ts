import { Injectable } from '@nestjs/common';
import { ErrorCode, type GatewayErrorBody, type ParsedRoom } from '@moonx-farm/events';

export interface SocketIdentity {
  userId?: string;
}

/**
 * Who may join what. Private rooms are their user's alone; public rooms are open to
 * every connected socket (the handshake already decided whether anonymous sockets exist).
 */
@Injectable()
export class RoomAuthorizer {
  authorize(identity: SocketIdentity, room: ParsedRoom): GatewayErrorBody | undefined {
    if (room.visibility === 'public') return undefined;
    if (!identity.userId) {
      return { code: ErrorCode.UNAUTHORIZED, message: `room "${room.name}" needs an authenticated connection` };
    }
    if (room.userId !== identity.userId) {
      return { code: ErrorCode.FORBIDDEN, message: `room "${room.name}" belongs to another user` };
    }
    return undefined;
  }
}
