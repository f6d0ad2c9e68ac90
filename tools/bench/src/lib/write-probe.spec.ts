import { describeWriteProbe, summariseRounds, writeProbeResult } from './write-probe';

describe('write probe summary', () => {
  it('takes the median and minimum over rounds, to 0.1 µs', () => {
    expect(summariseRounds({ bytes: 200, perWriteUs: [12.04, 7.01, 10.3, 30, 9.96], queued: 0 })).toEqual({
      bytes: 200,
      rounds: 5,
      medianUs: 10.3,
      minUs: 7,
      queued: 0,
    });
    // An even count: the mean of the two middle rounds.
    expect(summariseRounds({ bytes: 2000, perWriteUs: [14, 10, 12, 11], queued: 3 }).medianUs).toBe(11.5);
    expect(summariseRounds({ bytes: 200, perWriteUs: [], queued: 0 }).rounds).toBe(0);
  });

  it('puts a pass over every socket at the median cost of the small write', () => {
    const result = writeProbeResult(
      5000,
      [
        { bytes: 200, perWriteUs: [10.3, 7, 11], queued: 0 },
        { bytes: 2000, perWriteUs: [11.8, 12, 9], queued: 0 },
      ],
      9400,
    );
    expect(result.passMs).toBe(52);
    expect(describeWriteProbe(result)).toBe(
      'a 200-byte write to one of 5,000 loopback sockets costs 10.3 µs (min 7.0), 2,000 bytes 11.8 µs; one pass over 5,000 sockets ≥ 52 ms',
    );
  });

  it("gives the reader's CPU per read, split into user and kernel time", () => {
    const result = writeProbeResult(5000, [{ bytes: 200, perWriteUs: [10], queued: 0 }], 9400, {
      reads: 400_000,
      bytes: 81_000_000,
      userUs: 1_280_000,
      systemUs: 3_240_000,
    });
    expect(result.read).toEqual({ reads: 400_000, bytesPerRead: 203, cpuUsPerRead: 11.3, userUsPerRead: 3.2, systemUsPerRead: 8.1 });
    expect(describeWriteProbe(result)).toMatch(/; a read costs the reader 11\.3 µs \(3\.2 user, 8\.1 kernel; 203 B per read\)$/);
    // A reader that read nothing (or was not asked) adds nothing.
    expect(writeProbeResult(5000, [], 10, { reads: 0, bytes: 0, userUs: 5, systemUs: 5 }).read).toBeUndefined();
  });

  it('says when writes were queued instead of written', () => {
    const result = writeProbeResult(100, [{ bytes: 200, perWriteUs: [1], queued: 40 }], 10);
    expect(describeWriteProbe(result)).toMatch(/40 writes were queued/);
  });
});
