import type { JoinRoomAck } from '@moonx-farm/events';
import type { GatewayClientError } from '../lib/client-error';
import type { ChannelHost } from '../lib/room-channel';

export interface RecordedJoin {
  room: string;
  resumeSeq: number | undefined;
  done: (result: JoinRoomAck | GatewayClientError) => void;
}

/** Records what a channel asks of the client, so a test can answer joins by hand. */
export class FakeChannelHost implements ChannelHost {
  ready = true;
  readonly joins: RecordedJoin[] = [];
  readonly leaves: string[] = [];

  isReady(): boolean {
    return this.ready;
  }

  join(room: string, resumeSeq: number | undefined, done: RecordedJoin['done']): void {
    this.joins.push({ room, resumeSeq, done });
  }

  leave(room: string): void {
    this.leaves.push(room);
  }

  retryDelay(): number {
    return 5;
  }

  /** Answers the latest join. */
  answer(result: JoinRoomAck | GatewayClientError): void {
    const join = this.joins[this.joins.length - 1];
    if (!join) throw new Error('no join to answer');
    join.done(result);
  }
}
