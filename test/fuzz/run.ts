// npm run fuzz [-- --inputs N] [--seconds S] [--seed N] [--json] [target ...]
//
// Feeds random and mutated real messages to every target of test/fuzz/harness.ts and prints, per
// target: inputs tried, decode errors (the documented error), other exceptions (must be 0),
// round-trip failures (must be 0) and the worst time per input (must be <= 10 ms: every input is
// at most 64 KiB). --save-worst DIR writes each target's slowest input there. Exits 1 when a bound is broken. Defaults: 10,000 inputs per target, seed 1.
// The long run of issue 10 is `npm run fuzz -- --inputs 1000000` (see docs/fuzzing.md).

import { writeFileSync } from 'node:fs';
import { fuzz, type TargetReport } from './harness.js';

function parse(argv: string[]): { inputs?: number; seconds?: number; seed?: number; json: boolean; only: string[]; saveWorst?: string } {
  const out: { inputs?: number; seconds?: number; seed?: number; json: boolean; only: string[]; saveWorst?: string } = { json: false, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      return v;
    };
    if (a === '--inputs') out.inputs = Math.floor(num());
    else if (a === '--seconds') out.seconds = num();
    else if (a === '--seed') out.seed = Math.floor(num());
    else if (a === '--json') out.json = true;
    else if (a === '--save-worst') out.saveWorst = argv[++i];
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else out.only.push(a);
  }
  return out;
}

const opts = parse(process.argv.slice(2));
const line = (r: TargetReport): string =>
  [
    r.target.padEnd(8),
    String(r.inputs).padStart(9),
    String(r.decodeErrors).padStart(9),
    String(r.otherExceptions).padStart(6),
    String(r.roundTripFailures).padStart(6),
    r.worstSteadyMs.toFixed(2).padStart(8),
    r.worstMs.toFixed(2).padStart(8),
    r.worstCheckedMs.toFixed(2).padStart(9),
    String(r.worstBytes).padStart(7),
  ].join(' ');
if (!opts.json) console.log(`${'target'.padEnd(8)} ${'inputs'.padStart(9)} ${'decodeErr'.padStart(9)} ${'other'.padStart(6)} ${'rtrip'.padStart(6)} ${'worst ms'.padStart(8)} ${'1st ms'.padStart(8)} ${'checked ms'.padStart(9)} ${'bytes'.padStart(7)}`);
const t0 = Date.now();
const reports = fuzz({
  ...(opts.inputs !== undefined ? { inputs: opts.inputs } : {}),
  ...(opts.seconds !== undefined ? { seconds: opts.seconds } : {}),
  ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  ...(opts.only.length > 0 ? { only: opts.only } : {}),
  onReport: (r) => {
    // The slowest input of each target, to reproduce its time: --save-worst DIR.
    if (opts.saveWorst && r.worstInput !== undefined) writeFileSync(`${opts.saveWorst}/${r.target}.worst`, typeof r.worstInput === 'string' ? r.worstInput : Buffer.from(r.worstInput));
    const { worstInput: _, ...shown } = r;
    if (opts.json) console.log(JSON.stringify(shown));
    else {
      console.log(line(r));
      for (const s of r.samples) console.log(`    ${s.slice(0, 400)}`);
    }
  },
});
const bad = reports.filter((r) => r.otherExceptions > 0 || r.roundTripFailures > 0 || r.worstSteadyMs > 10);
if (!opts.json) console.log(`${reports.length} targets in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${bad.length === 0 ? 'all bounds hold' : `bounds broken by ${bad.map((r) => r.target).join(', ')}`}`);
process.exitCode = bad.length === 0 ? 0 : 1;
