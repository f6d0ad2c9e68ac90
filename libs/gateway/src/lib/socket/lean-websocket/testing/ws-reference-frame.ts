import WebSocket from 'ws';

interface FrameOptions {
  readOnly: boolean;
  mask: boolean;
  rsv1: boolean;
  opcode: number;
  fin: boolean;
}
/** ws's own frame builder (not in its type declarations): the reference our frame writers must match byte for byte. */
const { Sender } = WebSocket as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

/** One unmasked, final frame as ws's server side builds it. */
export function wsReferenceFrame(opcode: number, data: Buffer): Buffer {
  return Buffer.concat(Sender.frame(data, { readOnly: false, mask: false, rsv1: false, opcode, fin: true }));
}
