// The compiled decoders (generated with `new Function`) and the generic ones they fall back to
// decode every input alike: every captured fixture, every link-kind fixture, fuzzed inputs. And
// the library loads and decodes where code generation from strings is refused.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../src/netlink/bytes.js';
import type { DecodeContext } from '../../src/netlink/schema/codec.js';
import { codeGenerationAllowed, compileDecodersAfter, decoderMode, useCompiledDecoders } from '../../src/netlink/schema/compile.js';
import { attr, attrSet, string, struct, u16, u32, u8 } from '../../src/netlink/schema/index.js';
import { digest, inputs, outcome } from '../fuzz/digest.js';

// Fuzzed inputs per schema: enough to reach the error paths; a shared CI machine runs this in seconds.
const FUZZED = 100;

describe('compiled and generic decoders agree', () => {
  afterEach(() => {
    useCompiledDecoders(true);
  });

  it('code generation is allowed in this test process (so that both paths run)', () => {
    // Under NODE_OPTIONS=--disallow-code-generation-from-strings (npm run test:no-codegen) only
    // the generic path exists: the comparison below is then of the generic path with itself.
    expect(typeof codeGenerationAllowed).toBe('boolean');
  });

  it(`on every fixture message and ${FUZZED} fuzzed inputs per schema: same value, same hidden wire record, same error`, () => {
    const list = inputs(FUZZED);
    expect(list.length).toBeGreaterThan(7 * FUZZED);
    let errors = 0;
    for (const { schema, bytes } of list) {
      useCompiledDecoders(true);
      const compiled = outcome(schema, bytes);
      useCompiledDecoders(false);
      const generic = outcome(schema, bytes);
      if (generic.startsWith('!')) errors++;
      expect(generic, Buffer.from(bytes).toString('hex')).toBe(compiled);
    }
    // The fuzzed inputs reach the error paths too.
    expect(errors).toBeGreaterThan(list.length / 10);
  }, 180_000);

  it('under node --disallow-code-generation-from-strings the library loads and decodes the same', () => {
    const script = fileURLToPath(new URL('../fuzz/digest.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', script, String(FUZZED)], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const theirs = JSON.parse(child.stdout) as { codeGenerationAllowed: boolean; compiled: boolean; count: number; sha256: string };
    expect(theirs.codeGenerationAllowed).toBe(false);
    expect(theirs.compiled).toBe(false);
    useCompiledDecoders(true);
    expect(theirs).toEqual({ codeGenerationAllowed: false, ...digest(FUZZED), compiled: false });
  }, 180_000);
});

describe('compileDecodersAfter: compiled decoders made after a number of values', () => {
  afterEach(() => {
    useCompiledDecoders(true);
  });

  it('by default from the first value; after n, a struct and an attribute set decode n values generically, then compiled, alike', () => {
    expect(decoderMode.after).toBe(0);
    const COMPILE_AFTER = 8;
    compileDecodersAfter(COMPILE_AFTER);
    const hdr = struct('hdr', { a: u8, b: 1, c: u16, d: u32 });
    const set = attrSet('set', { name: attr(1, string), mtu: attr(2, u32) });
    const compiled = (codec: object): boolean => (codec as { fast?: unknown }).fast !== undefined;
    const w = new Writer(64);
    hdr.encode(w, { a: 7, c: 300, d: 70000 }, { path: [] });
    const hdrBytes = w.buf.slice(0, w.length);
    const w2 = new Writer(64);
    set.encode(w2, { name: 'eth0', mtu: 1500 }, { path: [] });
    const setBytes = w2.buf.slice(0, w2.length);
    const ctx = (): DecodeContext => ({ path: [], depth: 0, nonCanonical: false });
    const seen: string[] = [];
    for (let i = 1; i <= COMPILE_AFTER + 2; i++) {
      seen.push(JSON.stringify([hdr.decode(new Reader(hdrBytes), 0, hdrBytes.length, ctx()), set.decode(new Reader(setBytes), 0, setBytes.length, ctx())]));
      expect([compiled(hdr), compiled(set)], `after ${i} values`).toEqual(i <= COMPILE_AFTER || !codeGenerationAllowed ? [false, false] : [true, true]);
    }
    expect(new Set(seen).size).toBe(1);
    expect(JSON.parse(seen[0])).toEqual([{ a: 7, c: 300, d: 70000 }, { name: 'eth0', mtu: 1500 }]);
  });

  it('is public (rtnetlink/netlink) and refuses what is not a count, naming it', async () => {
    const entry = await import('../../src/entries/netlink.js');
    expect(entry.compileDecodersAfter).toBe(compileDecodersAfter);
    for (const bad of [-1, 1.5, Number.NaN, '3' as unknown as number]) expect(() => compileDecodersAfter(bad)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', field: 'n' }));
    expect(decoderMode.after).toBe(0);
  });
});
