// The short fuzz run of `npm test` (the long run is `npm run fuzz`, see test/fuzz/run.ts): a fixed
// seed, at most 500 inputs or 4 seconds per target. Every target must raise only its documented
// error (DecodeError, CaptureFormatError) and round-trip what it decodes. The worst time per input
// is printed, not asserted: speed is measured by `npm run fuzz` and `npm run bench`, not by tests.

import { describe, expect, it } from 'vitest';
import { fuzz, targets, type TargetReport } from '../fuzz/harness.js';

describe('short fuzz run (seed 1)', () => {
  const names = targets().map((t) => t.name);

  it('covers every message schema, datagram framing and the capture readers', () => {
    expect(names).toEqual(['link', 'addr', 'route', 'neigh', 'rule', 'nexthop', 'nsid', 'tc', 'route-model', 'link-model', 'route-encode', 'framing', 'pcap', 'pcapng', 'strace']);
  });

  for (const name of names) {
    it(`${name}: no other exception, no round-trip failure`, () => {
      const [r] = fuzz({ inputs: 500, seconds: 4, seed: 1, only: [name] }) as [TargetReport];
      console.log(`fuzz ${name}: ${r.inputs} inputs, ${r.decodeErrors} decode errors, worst ${r.worstSteadyMs.toFixed(2)} ms CPU (${r.worstBytes} bytes)`);
      expect(r.inputs).toBeGreaterThan(0);
      expect(r.samples).toEqual([]);
      expect({ otherExceptions: r.otherExceptions, roundTripFailures: r.roundTripFailures }).toEqual({ otherExceptions: 0, roundTripFailures: 0 });
    }, 60_000);
  }
});
