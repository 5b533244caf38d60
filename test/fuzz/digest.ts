// Decodes every captured fixture, every link-kind fixture and a fixed set of fuzzed inputs, and
// reduces what each gave (the value with its hidden wire record, or the error) to text: the
// compiled and the generic decoders must give the same text. Run directly, it prints the digest
// of this process's decoders (test/unit/codegen.test.ts runs it under
// `node --disallow-code-generation-from-strings`).

import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Reader } from '../../src/netlink/bytes.js';
import type { MessageSchema } from '../../src/netlink/message.js';
import { codeGenerationAllowed, decoderMode } from '../../src/netlink/schema/compile.js';
import type { AttrSpecs, StructMembers } from '../../src/netlink/schema/index.js';
import { fixtureMessages, kindMessages, mutateMessage, Rng } from './harness.js';
import { linkMessage } from '../../src/rtnl/generated/link.js';

type AnySchema = MessageSchema<StructMembers, AttrSpecs>;

/** Text of a decoded value: keys in order (lazy ones read), hidden records included. */
export function snapshot(v: unknown, depth = 0): string {
  if (depth > 40) return '...';
  if (typeof v === 'bigint') return `${v}n`;
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (v instanceof Uint8Array) return `<${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}>`;
  const parts: string[] = [];
  if (Array.isArray(v)) for (const x of v) parts.push(snapshot(x, depth + 1));
  else for (const k of Object.keys(v)) parts.push(`${k}:${snapshot((v as Record<string, unknown>)[k], depth + 1)}`);
  for (const s of Object.getOwnPropertySymbols(v)) {
    if (s.description === 'rtnetlink.wire') parts.push(`#wire:${snapshot((v as Record<symbol, unknown>)[s], depth + 1)}`);
  }
  return Array.isArray(v) ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}

/** What decoding `bytes` (one message, nlmsghdr included) with `schema` gives, as text. */
export function outcome(schema: AnySchema, bytes: Uint8Array): string {
  try {
    return snapshot(schema.decode(new Reader(bytes), 16, bytes.length));
  } catch (e) {
    return `!${(e as Error).name}: ${(e as Error).message}`;
  }
}

/** The inputs: every fixture message, then `fuzzed` mutations of them per schema (seed 42). */
export function inputs(fuzzed: number): { schema: AnySchema; bytes: Uint8Array }[] {
  const out: { schema: AnySchema; bytes: Uint8Array }[] = [];
  const bySchema = fixtureMessages();
  bySchema.set(linkMessage as unknown as AnySchema, [...(bySchema.get(linkMessage as unknown as AnySchema) ?? []), ...kindMessages()]);
  const all = [...bySchema.values()].flatMap((l) => l.map((m) => m.bytes));
  const rng = new Rng(42);
  for (const [schema, seeds] of bySchema) {
    for (const s of seeds) out.push({ schema, bytes: s.bytes });
    for (let i = 0; i < fuzzed; i++) out.push({ schema, bytes: mutateMessage(rng, rng.pick(seeds).bytes, schema, all) });
  }
  return out;
}

/** The outcomes of all inputs with this process's decoders, and their SHA-256. */
export function digest(fuzzed: number): { compiled: boolean; count: number; sha256: string } {
  const h = createHash('sha256');
  const list = inputs(fuzzed);
  for (const { schema, bytes } of list) h.update(outcome(schema, bytes)).update('\n');
  return { compiled: decoderMode.compiled, count: list.length, sha256: h.digest('hex') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify({ codeGenerationAllowed, ...digest(Number(process.argv[2] ?? 300)) }));
}
