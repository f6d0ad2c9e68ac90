import { MAX_FRAGMENTS, WebSocketFrameParser } from './websocket-frame.parser';
import { Opcode } from './websocket-frame.writer';
import { chunked, clientFrame, closePayload } from './testing/client-frame.builder';

type ParsedEvent =
  | { type: 'message'; data: string; isBinary: boolean }
  | { type: 'ping'; payload: string }
  | { type: 'close'; code: number; reason: string }
  | { type: 'error'; code: number; message: string };

/** The parser with its hooks recorded, fed chunk by chunk. */
class RecordingParser extends WebSocketFrameParser {
  readonly events: ParsedEvent[] = [];

  constructor(maxPayload = 1024 * 1024) {
    super(maxPayload);
  }

  feed(...chunks: Buffer[]): this {
    for (const chunk of chunks) this.parse(chunk);
    return this;
  }

  protected onMessage(data: Buffer, isBinary: boolean): void {
    this.events.push({ type: 'message', data: isBinary ? data.toString('hex') : data.toString(), isBinary });
  }

  protected onPing(payload: Buffer): void {
    this.events.push({ type: 'ping', payload: payload.toString() });
  }

  protected onCloseFrame(code: number, reason: Buffer): void {
    this.events.push({ type: 'close', code, reason: reason.toString() });
  }

  protected onProtocolError(code: number, message: string): void {
    this.events.push({ type: 'error', code, message });
  }
}

const text = (data: string) => ({ type: 'message', data, isBinary: false });

describe('WebSocketFrameParser', () => {
  it('parses a text and a binary frame from one chunk', () => {
    const bytes = Buffer.concat([clientFrame(Opcode.Text, 'héllo'), clientFrame(Opcode.Binary, Buffer.from([0, 255, 7]))]);
    expect(new RecordingParser().feed(bytes).events).toEqual([text('héllo'), { type: 'message', data: '00ff07', isBinary: true }]);
  });

  it.each([1, 2, 3, 5, 7, 13])('gives the same messages whatever the chunking (%i-byte chunks)', (size) => {
    const big = 'x'.repeat(70_000);
    const bytes = Buffer.concat([
      clientFrame(Opcode.Text, 'a'),
      clientFrame(Opcode.Text, 'm'.repeat(300)),
      clientFrame(Opcode.Text, big),
      clientFrame(Opcode.Ping, 'p'),
      clientFrame(Opcode.Text, ''),
    ]);
    const parser = new RecordingParser().feed(...chunked(bytes, size));
    expect(parser.events).toEqual([text('a'), text('m'.repeat(300)), text(big), { type: 'ping', payload: 'p' }, text('')]);
  });

  it('reads 16-bit and 64-bit lengths, also when a smaller encoding would do', () => {
    const bytes = Buffer.concat([
      clientFrame(Opcode.Text, 's'.repeat(200)),
      clientFrame(Opcode.Text, 'l'.repeat(66_000)),
      clientFrame(Opcode.Text, 'q', { lengthBits: 64 }),
      clientFrame(Opcode.Text, 'r', { lengthBits: 16 }),
    ]);
    expect(new RecordingParser().feed(bytes).events).toEqual([text('s'.repeat(200)), text('l'.repeat(66_000)), text('q'), text('r')]);
  });

  it('reassembles a fragmented message, with control frames between its fragments', () => {
    const bytes = Buffer.concat([
      clientFrame(Opcode.Text, 'he', { fin: false }),
      clientFrame(Opcode.Ping, 'one'),
      clientFrame(Opcode.Continuation, 'l', { fin: false }),
      clientFrame(Opcode.Pong, 'ignored'),
      clientFrame(Opcode.Continuation, 'lo'),
      clientFrame(Opcode.Binary, Buffer.from([1]), { fin: false }),
      clientFrame(Opcode.Continuation, Buffer.from([2])),
    ]);
    for (const size of [1, 4, bytes.length]) {
      expect(new RecordingParser().feed(...chunked(bytes, size)).events).toEqual([
        { type: 'ping', payload: 'one' },
        text('hello'),
        { type: 'message', data: '0102', isBinary: true },
      ]);
    }
  });

  it('validates UTF-8 over the whole message, so a character may span fragments', () => {
    const euro = Buffer.from('€');
    const bytes = Buffer.concat([clientFrame(Opcode.Text, euro.subarray(0, 1), { fin: false }), clientFrame(Opcode.Continuation, euro.subarray(1))]);
    expect(new RecordingParser().feed(bytes).events).toEqual([text('€')]);
  });

  it('reports a close frame with its code and reason, or 1005 without a code, and stops there', () => {
    const withCode = new RecordingParser().feed(clientFrame(Opcode.Close, closePayload(4001, 'bye')), clientFrame(Opcode.Text, 'after'));
    expect(withCode.events).toEqual([{ type: 'close', code: 4001, reason: 'bye' }]);
    expect(new RecordingParser().feed(clientFrame(Opcode.Close)).events).toEqual([{ type: 'close', code: 1005, reason: '' }]);
  });

  describe('protocol errors, each reported once and ending the parse', () => {
    const cases: [string, Buffer, number][] = [
      ['an unmasked frame', clientFrame(Opcode.Text, 'hi', { masked: false }), 1002],
      ['RSV1 set', clientFrame(Opcode.Text, 'hi', { rsv: 4 }), 1002],
      ['RSV3 set', clientFrame(Opcode.Text, 'hi', { rsv: 1 }), 1002],
      ['a reserved data opcode', clientFrame(3, 'hi'), 1002],
      ['a reserved control opcode', clientFrame(0xb, 'hi'), 1002],
      ['a fragmented control frame', clientFrame(Opcode.Ping, 'hi', { fin: false }), 1002],
      ['a control frame over 125 bytes', clientFrame(Opcode.Ping, 'p'.repeat(126)), 1002],
      ['a continuation without a message', clientFrame(Opcode.Continuation, 'hi'), 1002],
      [
        'a new message inside a fragmented one',
        Buffer.concat([clientFrame(Opcode.Text, 'a', { fin: false }), clientFrame(Opcode.Text, 'b')]),
        1002,
      ],
      ['a 64-bit length with its top bit set', clientFrame(Opcode.Binary, 'x', { lengthBits: 64, lengthHigh: 0x80000000 }), 1002],
      ['a 64-bit length beyond 4 GB', clientFrame(Opcode.Binary, 'x', { lengthBits: 64, lengthHigh: 1 }), 1009],
      ['invalid UTF-8 in a text message', clientFrame(Opcode.Text, Buffer.from([0x68, 0xc3, 0x28])), 1007],
      ['a close frame of one byte', clientFrame(Opcode.Close, Buffer.from([3])), 1002],
      ['the reserved close code 1005', clientFrame(Opcode.Close, closePayload(1005)), 1002],
      ['the reserved close code 1006', clientFrame(Opcode.Close, closePayload(1006)), 1002],
      ['close code 1015', clientFrame(Opcode.Close, closePayload(1015)), 1002],
      ['close code 999', clientFrame(Opcode.Close, closePayload(999)), 1002],
      ['close code 2000', clientFrame(Opcode.Close, closePayload(2000)), 1002],
      ['close code 5000', clientFrame(Opcode.Close, closePayload(5000)), 1002],
      ['a close reason that is not UTF-8', clientFrame(Opcode.Close, closePayload(1000, Buffer.from([0xff]))), 1007],
    ];

    it.each(cases)('%s', (_name, bytes, code) => {
      for (const size of [1, bytes.length]) {
        const parser = new RecordingParser().feed(...chunked(bytes, size), clientFrame(Opcode.Text, 'ignored afterwards'));
        expect(parser.events).toEqual([{ type: 'error', code, message: expect.any(String) }]);
      }
    });
  });

  it('accepts every valid close code', () => {
    for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999]) {
      expect(new RecordingParser().feed(clientFrame(Opcode.Close, closePayload(code))).events).toEqual([{ type: 'close', code, reason: '' }]);
    }
  });

  it('refuses an oversize message from its header, before any payload arrives', () => {
    const frame = clientFrame(Opcode.Binary, Buffer.alloc(101));
    const headerOnly = frame.subarray(0, 2 + 4);
    expect(new RecordingParser(100).feed(headerOnly).events).toEqual([{ type: 'error', code: 1009, message: 'message too big' }]);
    expect(new RecordingParser(101).feed(frame).events).toHaveLength(1);
  });

  it('refuses a message in more fragments than MAX_FRAGMENTS, even empty ones', () => {
    const first = clientFrame(Opcode.Text, 'a', { fin: false });
    const empty = clientFrame(Opcode.Continuation, '', { fin: false });
    const allowed = new RecordingParser().feed(first, ...Array.from({ length: MAX_FRAGMENTS - 2 }, () => empty), clientFrame(Opcode.Continuation, 'b'));
    expect(allowed.events).toEqual([text('ab')]);
    const flood = new RecordingParser().feed(first, ...Array.from({ length: MAX_FRAGMENTS }, () => empty));
    expect(flood.events).toEqual([{ type: 'error', code: 1009, message: `message in more than ${MAX_FRAGMENTS} fragments` }]);
  });

  it('counts all fragments of a message against the limit', () => {
    const parser = new RecordingParser(10).feed(
      clientFrame(Opcode.Binary, Buffer.alloc(6), { fin: false }),
      clientFrame(Opcode.Continuation, Buffer.alloc(5)),
    );
    expect(parser.events).toEqual([{ type: 'error', code: 1009, message: 'message too big' }]);
    const control = new RecordingParser(10).feed(clientFrame(Opcode.Binary, Buffer.alloc(6), { fin: false }), clientFrame(Opcode.Ping, 'p'.repeat(20)));
    expect(control.events).toEqual([{ type: 'ping', payload: 'p'.repeat(20) }]);
  });
});
