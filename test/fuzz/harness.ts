// The fuzz harness: random and mutated real messages fed to every message schema, to datagram
// framing and to the capture readers. Seeds are the captured fixtures (test/fixtures); mutations
// flip bytes, truncate, give attributes wrong lengths, add zero-length attributes, splice and
// repeat attributes and build nesting bombs. For each target it counts the inputs tried, the
// documented errors (DecodeError, CaptureFormatError), any other exception (must be none), the
// round-trip failures (must be none: what decodes re-encodes to the same bytes, or to bytes that
// decode to the same value) and the worst time per input.
//
// Used by test/fuzz/run.ts (`npm run fuzz`, the long run) and test/unit/fuzz.test.ts (a short run in
// `npm test`). Pure: no kernel, no root.

import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Reader, Writer } from '../../src/netlink/bytes.js';
import { CaptureFormatError, encodePcapRecord, parseStraceCapture, readCapture, writePcapHeader, type CapturedDatagram } from '../../src/netlink/capture/index.js';
import { DecodeError } from '../../src/netlink/errors.js';
import { forEachMessage, splitMessages, writeMessage, type MessageSchema } from '../../src/netlink/message.js';
import { decodeContext, type AttrSpecs, type StructMembers } from '../../src/netlink/schema/index.js';
import { addrMessage } from '../../src/rtnl/generated/addr.js';
import { linkMessage, RTM_NEWLINK } from '../../src/rtnl/generated/link.js';
import { neighMessage } from '../../src/rtnl/generated/neigh.js';
import { routeMessage, RTM_NEWROUTE } from '../../src/rtnl/generated/route.js';
import { ruleMessage } from '../../src/rtnl/generated/rule.js';
import { nexthopMessage } from '../../src/rtnl/nexthop/wire.js';
import { nsidMessage } from '../../src/rtnl/nsid/wire.js';
import { schemaForType } from '../../src/rtnl/registry.js';
import { tcMessage } from '../../src/rtnl/generated/tc.js';
import { linkFromBytes, linkFromWire } from '../../src/rtnl/link/mapping.js';
import { routeFromBytes, routeFromWire, routeToBytes, routeToWireParsed } from '../../src/rtnl/route/mapping.js';
import type { Route } from '../../src/rtnl/route/model.js';
import { parsePrefix, type Prefix } from '../../src/rtnl/common/prefix.js';

type AnySchema = MessageSchema<StructMembers, AttrSpecs>;

const FIXTURES = new URL('../fixtures/', import.meta.url);

// ---------------------------------------------------------------------------------------------
// A seeded pseudo-random generator (mulberry32): runs are reproducible from their seed.

/** A deterministic random source. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One of `xs`. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Seeds

interface FixtureFile {
  datagrams: { direction: 'sent' | 'received'; hex: string; fd?: number }[];
}

/** Every datagram of the kernel fixtures (test/fixtures/kernel and its folders), both directions. */
export function fixtureDatagrams(dir: URL = new URL('kernel/', FIXTURES)): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isDirectory()) {
      out.push(...fixtureDatagrams(new URL(`${e.name}/`, dir)));
      continue;
    }
    if (!e.name.endsWith('.json')) continue;
    const fx = JSON.parse(readFileSync(new URL(e.name, dir), 'utf8')) as FixtureFile;
    for (const d of fx.datagrams ?? []) out.push(new Uint8Array(Buffer.from(d.hex, 'hex')));
  }
  return out;
}

// Traffic control messages (RTM_*QDISC 36-38, *TCLASS 40-42, *TFILTER 44-46, *CHAIN 100-102).
const TC_TYPES = new Set([36, 37, 38, 40, 41, 42, 44, 45, 46, 100, 101, 102]);

function schemaOf(type: number): AnySchema | undefined {
  return schemaForType(type) ?? (TC_TYPES.has(type) ? (tcMessage as unknown as AnySchema) : undefined);
}

/** One message of a datagram, copied out: its bytes (nlmsghdr included) and its type. */
export interface SeedMessage {
  type: number;
  bytes: Uint8Array;
}

/** Every message of the fixtures that a schema of the registry decodes, by schema. */
export function fixtureMessages(): Map<AnySchema, SeedMessage[]> {
  const out = new Map<AnySchema, SeedMessage[]>();
  for (const d of fixtureDatagrams()) {
    let views;
    try {
      views = splitMessages(d);
    } catch {
      continue; // a datagram with a zero tail: its messages are taken by the framing target
    }
    for (const m of views) {
      const schema = schemaOf(m.type);
      if (!schema) continue;
      let list = out.get(schema);
      if (!list) out.set(schema, (list = []));
      list.push({ type: m.type, bytes: d.slice(m.offset, m.end) });
    }
  }
  return out;
}

/** The hand-built link-kind fixtures (test/fixtures/kinds): their link attributes in an RTM_NEWLINK. */
export function kindMessages(): SeedMessage[] {
  const dir = new URL('kinds/', FIXTURES);
  const out: SeedMessage[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const fx = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { hex: string };
    const ifinfomsg = new Uint8Array(16);
    out.push({ type: RTM_NEWLINK, bytes: message(RTM_NEWLINK, concat([ifinfomsg, Buffer.from(fx.hex, 'hex')])) });
  }
  return out;
}

/** The strace fixtures (test/fixtures/strace) as text. */
export function straceSeeds(): string[] {
  const dir = new URL('strace/', FIXTURES);
  return readdirSync(dir)
    .filter((n) => n.endsWith('.strace'))
    .sort()
    .map((n) => readFileSync(new URL(n, dir), 'utf8'));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An nlmsghdr (length fixed up) followed by `payload`. */
export function message(type: number, payload: Uint8Array, flags = 0): Uint8Array {
  const out = new Uint8Array(16 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, out.length, true);
  v.setUint16(4, type, true);
  v.setUint16(6, flags, true);
  out.set(payload, 16);
  return out;
}

/** An attribute: header and payload, padded to 4 bytes. */
export function attr(type: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array((4 + payload.length + 3) & ~3);
  const v = new DataView(out.buffer);
  v.setUint16(0, Math.min(4 + payload.length, 0xffff), true);
  v.setUint16(2, type, true);
  out.set(payload, 4);
  return out;
}

/** A classic pcap file of LINKTYPE_NETLINK holding `datagrams`. */
export function pcapOf(datagrams: readonly { direction: 'sent' | 'received'; bytes: Uint8Array; protocol?: number }[]): Uint8Array {
  return concat([writePcapHeader(), ...datagrams.map((d, i) => encodePcapRecord({ direction: d.direction, bytes: d.bytes, protocol: d.protocol ?? 0, timestamp: i }))]);
}

// pcapng (little-endian): a section header, one LINKTYPE_NETLINK interface, enhanced packet blocks.
function pcapngBlock(type: number, body: Uint8Array): Uint8Array {
  const len = 12 + ((body.length + 3) & ~3);
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, len, true);
  out.set(body, 8);
  v.setUint32(len - 4, len, true);
  return out;
}

/** A pcapng file of one LINKTYPE_NETLINK interface holding `datagrams` (16-byte pseudo-header each). */
export function pcapngOf(datagrams: readonly { direction: 'sent' | 'received'; bytes: Uint8Array }[]): Uint8Array {
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, true);
  sv.setUint16(4, 1, true);
  sv.setBigInt64(8, -1n, true);
  const idb = new Uint8Array(8);
  const iv = new DataView(idb.buffer);
  iv.setUint16(0, 253, true);
  iv.setUint32(4, 262144, true);
  const blocks = [pcapngBlock(0x0a0d0d0a, shb), pcapngBlock(1, idb)];
  for (const d of datagrams) {
    const packet = new Uint8Array(16 + d.bytes.length);
    const pv = new DataView(packet.buffer);
    pv.setUint16(0, d.direction === 'sent' ? 4 : 0, false);
    pv.setUint16(2, 824, false);
    packet.set(d.bytes, 16);
    const body = new Uint8Array(20 + ((packet.length + 3) & ~3));
    const bv = new DataView(body.buffer);
    bv.setUint32(12, packet.length, true);
    bv.setUint32(16, packet.length, true);
    body.set(packet, 20);
    blocks.push(pcapngBlock(6, body));
  }
  return concat(blocks);
}

// ---------------------------------------------------------------------------------------------
// Mutations of binary netlink messages

/** Header sizes of the message schemas, to find where attributes begin. */
function attrStart(schema: AnySchema | undefined): number {
  return 16 + (schema ? (schema.header.size + 3) & ~3 : 0);
}

// Offsets of the attributes found between `start` and `end`, recursing into payloads that parse
// as attributes (nests, most of the time).
function attributeOffsets(b: Uint8Array, start: number, end: number, out: number[], depth = 0): void {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = start;
  while (off + 4 <= end && out.length < 4096) {
    const len = v.getUint16(off, true);
    if (len < 4 || off + len > end) return;
    out.push(off);
    if (depth < 8 && len > 8) attributeOffsets(b, off + 4, off + len, out, depth + 1);
    off += (len + 3) & ~3;
  }
}

function fixLength(b: Uint8Array): Uint8Array {
  if (b.length >= 4) new DataView(b.buffer, b.byteOffset).setUint32(0, b.length, true);
  return b;
}

function insert(b: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  return concat([b.subarray(0, at), bytes, b.subarray(at)]);
}

/** Lengths of the enclosing attributes of `at` grow by `delta` (their length fields are fixed up). */
function growParents(b: Uint8Array, start: number, at: number, delta: number): void {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = start;
  let end = b.length - delta;
  while (off + 4 <= end) {
    const len = v.getUint16(off, true);
    if (len < 4 || off + len > end) return;
    if (at > off + 4 && at <= off + len) {
      v.setUint16(off, Math.min(len + delta, 0xffff), true);
      end = off + len;
      off += 4;
      continue;
    }
    off += (len + 3) & ~3;
  }
}

/** A nesting bomb of `depth` levels of attribute type `type` (NLA_F_NESTED or not) around `leaf`. */
export function nestBomb(depth: number, type: number, leaf: Uint8Array, nested: boolean): Uint8Array {
  // Written in one buffer: wrapping level by level would copy the inside at each level.
  const inner = (leaf.length + 3) & ~3;
  const levels = Math.min(depth, Math.floor((0xffff - inner) / 4));
  const out = new Uint8Array(4 * levels + inner);
  const v = new DataView(out.buffer);
  for (let i = 0; i < levels; i++) {
    v.setUint16(4 * i, out.length - 4 * i - (inner - leaf.length), true);
    v.setUint16(4 * i + 2, type | (nested ? 0x8000 : 0), true);
  }
  out.set(leaf, 4 * levels);
  return out;
}

/** RTA_MULTIPATH nested `depth` deep: each path's attributes hold another multipath. */
export function multipathBomb(depth: number, leaf: Uint8Array): Uint8Array {
  let inner = leaf;
  for (let i = 0; i < depth; i++) {
    const rtnh = new Uint8Array(8 + inner.length);
    const v = new DataView(rtnh.buffer);
    v.setUint16(0, rtnh.length, true);
    v.setInt32(4, 1, true);
    rtnh.set(inner, 8);
    inner = attr(9, rtnh);
  }
  return inner;
}

/** A veth peer nested `depth` deep: IFLA_LINKINFO { kind veth, data { peer { ifinfomsg, IFLA_LINKINFO ... } } }. */
export function vethBomb(depth: number, leaf: Uint8Array): Uint8Array {
  let inner = leaf;
  const kind = attr(1, new Uint8Array(Buffer.from('veth\0')));
  for (let i = 0; i < depth; i++) {
    const peer = attr(1, concat([new Uint8Array(16), inner]));
    inner = attr(18, concat([kind, attr(2, peer)]));
  }
  return inner;
}

/** The mutations, by name (the run reports how often each found an error). */
export const MUTATIONS = ['flip', 'bytes', 'truncate', 'length', 'zero-attr', 'repeat', 'splice', 'nest-bomb', 'schema-bomb', 'random', 'stack'] as const;

/** A mutation of the message `seed` (nlmsghdr included) decoded by `schema`; `others` gives splice material. */
export function mutateMessage(rng: Rng, seed: Uint8Array, schema: AnySchema | undefined, others: readonly Uint8Array[], kind = rng.pick(MUTATIONS)): Uint8Array {
  const start = Math.min(attrStart(schema), seed.length);
  const offsets: number[] = [];
  attributeOffsets(seed, start, seed.length, offsets);
  let b: Uint8Array = seed.slice();
  const v = (): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (kind) {
    case 'flip': {
      const n = 1 + rng.int(4);
      for (let i = 0; i < n && b.length > 16; i++) b[16 + rng.int(b.length - 16)] ^= 1 << rng.int(8);
      break;
    }
    case 'bytes': {
      const n = 1 + rng.int(8);
      for (let i = 0; i < n && b.length > 16; i++) b[16 + rng.int(b.length - 16)] = rng.pick([0, 0xff, 0x7f, 0x80, 4, rng.int(256)]);
      break;
    }
    case 'truncate': {
      b = b.slice(0, 16 + rng.int(Math.max(1, b.length - 15)));
      if (rng.next() < 0.8) fixLength(b);
      return b;
    }
    case 'length': {
      if (offsets.length === 0) break;
      const at = rng.pick(offsets);
      const len = v().getUint16(at, true);
      v().setUint16(at, rng.pick([0, 1, 3, 4, 5, len - 1, len + 1, len + 4, 0xffff, rng.int(0x10000)]) & 0xffff, true);
      break;
    }
    case 'zero-attr': {
      const at = offsets.length > 0 && rng.next() < 0.7 ? rng.pick(offsets) : start;
      const za = attr(rng.int(64) | (rng.next() < 0.3 ? 0x8000 : 0), new Uint8Array(0));
      b = insert(b, at, za);
      growParents(b, start, at, za.length);
      break;
    }
    case 'repeat': {
      if (offsets.length === 0) break;
      const at = rng.pick(offsets);
      const len = (v().getUint16(at, true) + 3) & ~3;
      const copy = b.slice(at, Math.min(at + len, b.length));
      const to = rng.pick(offsets);
      b = insert(b, to, copy);
      growParents(b, start, to, copy.length);
      break;
    }
    case 'splice': {
      const other = rng.pick(others);
      const oo: number[] = [];
      attributeOffsets(other, Math.min(attrStart(schema), other.length), other.length, oo);
      if (oo.length === 0) break;
      const from = rng.pick(oo);
      const len = (new DataView(other.buffer, other.byteOffset).getUint16(from, true) + 3) & ~3;
      const piece = other.slice(from, Math.min(from + len, other.length));
      const to = offsets.length > 0 && rng.next() < 0.7 ? rng.pick(offsets) : start;
      b = insert(b, to, piece);
      growParents(b, start, to, piece.length);
      break;
    }
    case 'nest-bomb': {
      const depth = rng.pick([2, 8, 11, 16, 64, 1000, 16000]);
      const leaf = rng.next() < 0.5 ? attr(rng.int(64), rng.bytes(rng.int(12))) : new Uint8Array(0);
      b = concat([b, nestBomb(depth, 1 + rng.int(63), leaf, rng.next() < 0.5)]);
      break;
    }
    case 'schema-bomb': {
      const depth = rng.pick([2, 3, 8, 12, 16, 40, 200]);
      const leaf = rng.next() < 0.5 ? attr(1 + rng.int(40), rng.bytes(rng.int(8))) : rng.bytes(rng.int(6));
      b = concat([b, rng.next() < 0.5 ? multipathBomb(depth, leaf) : vethBomb(depth, leaf)]);
      break;
    }
    case 'random': {
      b = concat([b.subarray(0, start), rng.bytes(rng.int(256))]);
      break;
    }
    case 'stack': {
      for (let i = 0, n = 2 + rng.int(4); i < n; i++) b = mutateMessage(rng, b, schema, others);
      return b;
    }
  }
  if (rng.next() < 0.9) fixLength(b);
  return b;
}

// ---------------------------------------------------------------------------------------------
// Targets

/** What one input did. */
export type Outcome = 'ok' | 'error' | 'roundtrip';

/** A fuzz target: its seeds, how to mutate one, and what to run on an input. */
export interface Target {
  name: string;
  /** Produces the next input. */
  input(rng: Rng): Uint8Array | string;
  /**
   * Runs the code under test: 'ok' when it decoded and round-tripped, 'error' for a documented
   * error, 'roundtrip' (with `detail`) when what decoded did not re-encode to the same thing.
   * Any other exception propagates. `decodeMs`: the CPU time of decoding alone (what the 10 ms
   * bound is about), when the run also re-encodes and compares.
   */
  run(input: Uint8Array | string): { outcome: Outcome; detail?: string; decodeMs?: number };
  /** Whether this target checks round trips. */
  roundTrips: boolean;
}

// Reads every property (lazily decoded attributes included, whose DecodeError surfaces here) and
// returns nothing: what a user printing the object does.
function touch(v: unknown, depth = 0): void {
  if (v === null || typeof v !== 'object' || depth > 64) return;
  if (v instanceof Uint8Array) return;
  for (const k of Object.keys(v)) touch((v as Record<string, unknown>)[k], depth + 1);
}

function hexOf(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

/**
 * Decodes one message with `schema` and checks the round trip: the decoded value re-encodes to
 * the payload's bytes, or else to bytes that decode to an equal value and re-encode to themselves.
 */
export function decodeAndRoundTrip(schema: AnySchema, datagram: Uint8Array): { outcome: Outcome; detail?: string; decodeMs: number } {
  const r = new Reader(datagram);
  const ctx = decodeContext();
  let outcome: { outcome: Outcome; detail?: string } = { outcome: 'ok' };
  // CPU time of the decoding (framing, decode, reading every property), apart from the checks.
  let decodeMicros = 0;
  let c0 = process.cpuUsage();
  const lap = (): void => {
    const c = process.cpuUsage(c0);
    decodeMicros += c.user + c.system;
  };
  try {
    forEachMessage(r, (m) => {
      const value = schema.decode(r, m.payloadOffset, m.end, ctx);
      touch(value);
      lap();
      const payload = datagram.subarray(m.payloadOffset, m.end);
      let out: Uint8Array;
      try {
        const w = new Writer(256);
        schema.encode(w, value);
        out = w.take();
      } catch (e) {
        outcome = { outcome: 'roundtrip', detail: `encoding what decoded threw ${(e as Error).name}: ${(e as Error).message}` };
        return false;
      }
      if (sameBytes(out, payload)) {
        c0 = process.cpuUsage();
        return;
      }
      let again: unknown;
      try {
        again = schema.decode(new Reader(out), 0, out.length);
        touch(again);
      } catch (e) {
        outcome = { outcome: 'roundtrip', detail: `re-encoded bytes ${hexOf(out)} do not decode: ${(e as Error).message}` };
        return false;
      }
      if (!isDeepStrictEqual(again, value)) {
        outcome = { outcome: 'roundtrip', detail: `re-encoded bytes ${hexOf(out)} decode to another value` };
        return false;
      }
      const w2 = new Writer(256);
      schema.encode(w2, again as never);
      if (!sameBytes(w2.take(), out)) {
        outcome = { outcome: 'roundtrip', detail: `re-encoding is not stable for ${hexOf(out)}` };
        return false;
      }
      c0 = process.cpuUsage();
    });
  } catch (e) {
    lap();
    if (e instanceof DecodeError) return { outcome: 'error', decodeMs: decodeMicros / 1000 };
    throw e;
  }
  return { ...outcome, decodeMs: decodeMicros / 1000 };
}

/** The largest input: the time bound applies to inputs of at most 64 KiB. */
export const MAX_INPUT = 65536;

// An input cut to MAX_INPUT bytes, its nlmsg_len fixed up when it was.
function capped(b: Uint8Array): Uint8Array {
  return b.length <= MAX_INPUT ? b : fixLength(b.slice(0, MAX_INPUT));
}

/** A message target's inputs: now and then a seed as captured, else a seed mutated with `schema`'s knowledge (capped in size). */
function messageInputs(seeds: readonly Uint8Array[], schema: AnySchema, allSeeds: readonly Uint8Array[]): Target['input'] {
  return (rng) => (rng.next() < 0.02 ? rng.pick(seeds) : capped(mutateMessage(rng, rng.pick(seeds), schema, allSeeds)));
}

/** A message-schema target: seeds of its message types, mutated. */
function schemaTarget(name: string, schema: AnySchema, seeds: readonly Uint8Array[], allSeeds: readonly Uint8Array[]): Target {
  if (seeds.length === 0) throw new Error(`fuzz target ${name}: no seed`);
  return {
    name,
    roundTrips: true,
    input: messageInputs(seeds, schema, allSeeds),
    run: (input) => decodeAndRoundTrip(schema, input as Uint8Array),
  };
}

// Directions are compared only when some datagram was received: a pcap file whose packets are all
// "outgoing" is read the way tcpdump's nlmon captures are (direction from NLM_F_REQUEST).
function capturedEqual(a: readonly CapturedDatagram[], b: readonly CapturedDatagram[]): boolean {
  const directions = b.some((d) => d.direction === 'received');
  return a.length === b.length && a.every((d, i) => (!directions || d.direction === b[i].direction) && d.protocol === b[i].protocol && sameBytes(d.bytes, b[i].bytes));
}

// Datagrams of a capture written back as pcap read the same.
function captureRoundTrip(datagrams: CapturedDatagram[]): { outcome: Outcome; detail?: string } {
  const complete = datagrams.filter((d) => d.originalLength === undefined);
  const again = readCapture(pcapOf(complete));
  return capturedEqual(again, complete) ? { outcome: 'ok' } : { outcome: 'roundtrip', detail: 'datagrams written back as pcap read differently' };
}

function mutateBytes(rng: Rng, seed: Uint8Array): Uint8Array {
  let b: Uint8Array = seed.slice();
  const kind = rng.int(6);
  if (kind === 0) for (let i = 0, n = 1 + rng.int(8); i < n && b.length > 0; i++) b[rng.int(b.length)] ^= 1 << rng.int(8);
  else if (kind === 1) b = b.slice(0, rng.int(b.length + 1));
  else if (kind === 2 && b.length >= 4) {
    // A length or count field: pick an aligned u32 and make it odd, huge or zero.
    const at = rng.int(b.length >> 2) << 2;
    new DataView(b.buffer).setUint32(at, rng.pick([0, 1, 3, 0xffffffff, 0x7fffffff, rng.int(0x100000), b.length]), rng.next() < 0.5);
  } else if (kind === 3) b = concat([b, rng.bytes(rng.int(64))]);
  else if (kind === 4 && b.length > 8) {
    const at = rng.int(b.length);
    b = concat([b.subarray(0, at), b.subarray(at, Math.min(b.length, at + rng.int(64))), b.subarray(at)]);
  } else for (let i = 0, n = 1 + rng.int(16); i < n && b.length > 0; i++) b[rng.int(b.length)] = rng.int(256);
  return b;
}

function mutateText(rng: Rng, seed: string): string {
  const lines = seed.split('\n');
  for (let i = 0, n = 1 + rng.int(4); i < n; i++) {
    const at = rng.int(lines.length);
    const line = lines[at];
    switch (rng.int(7)) {
      case 0:
        lines.splice(at, 1);
        break;
      case 1:
        lines.splice(at, 0, line);
        break;
      case 2:
        lines[at] = line.slice(0, rng.int(line.length + 1));
        break;
      case 3: {
        const p = rng.int(line.length + 1);
        lines[at] = line.slice(0, p) + rng.pick(['0', 'f', ' ', '|', '"', '\\x', '=', '-1', '}', '...', '\u00e9', 'ff ff']) + line.slice(p + 1);
        break;
      }
      case 4:
        lines[at] = line.replace(/\d+/, String(rng.pick([0, 1, 65536, 4294967296, 99999999999])));
        break;
      case 5:
        lines.splice(at, 0, lines[rng.int(lines.length)]);
        break;
      default:
        lines[at] = line.replace(/[0-9a-f]{2}/, rng.bytes(1)[0].toString(16).padStart(2, '0'));
    }
  }
  return lines.join('\n');
}

// A value with its keys in order (bigints as text), to compare the direct decoder's objects with
// the mapped wire decoder's, key order included.
const ordered = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

/**
 * A model target: the direct decoder a dump uses (bytes straight into the model) against the wire
 * decoder followed by the kind's mapping. Both must give the same object (keys in the same order,
 * every lazily decoded field read) or both a DecodeError; anything else is a failure. The time
 * bound applies to the direct decoder.
 */
function modelTarget(name: string, seeds: readonly Uint8Array[], allSeeds: readonly Uint8Array[], schema: AnySchema, direct: (r: Reader, off: number, end: number) => unknown, mapped: (r: Reader, off: number, end: number) => unknown): Target {
  // Decodes and reads every property; the comparison text is made apart, so that it is not timed.
  const settle = (f: () => unknown): { value?: unknown; error?: unknown } => {
    try {
      const v = f();
      touch(v);
      return { value: v };
    } catch (error) {
      return { error };
    }
  };
  return {
    name,
    roundTrips: true,
    input: messageInputs(seeds, schema, allSeeds),
    run: (input) => {
      const b = input as Uint8Array;
      let decodeMs = 0;
      let outcome: { outcome: Outcome; detail?: string } = { outcome: 'ok' };
      try {
        forEachMessage(new Reader(b), (m) => {
          const c0 = process.cpuUsage();
          const d = settle(() => direct(new Reader(b), m.payloadOffset, m.end));
          const c = process.cpuUsage(c0);
          decodeMs += (c.user + c.system) / 1000;
          const w = settle(() => mapped(new Reader(b), m.payloadOffset, m.end));
          if (d.error !== undefined && !(d.error instanceof DecodeError)) throw d.error;
          if (d.error !== undefined && w.error !== undefined) {
            outcome = { outcome: 'error' };
            return false;
          }
          if ((d.error === undefined) !== (w.error === undefined) || (d.error === undefined && ordered(d.value) !== ordered(w.value))) {
            const show = (x: { value?: unknown; error?: unknown }): string => (x.error !== undefined ? `${(x.error as Error).name}: ${(x.error as Error).message}` : ordered(x.value).slice(0, 300));
            outcome = { outcome: 'roundtrip', detail: `direct decoder gave ${show(d)}; wire decoder and mapping gave ${show(w)}` };
            return false;
          }
        });
      } catch (e) {
        if (e instanceof DecodeError) return { outcome: 'error', decodeMs };
        throw e;
      }
      return { ...outcome, decodeMs };
    },
  };
}

/**
 * The route encoder target: each route message decodes into the model (as a dump does), and the
 * model encodes back into a request payload twice, by the direct encoder the operations use
 * (routeToBytes) and by the generic path it stands in for (routeToWireParsed, then the route
 * schema's encoder). Both must give the same bytes, or the direct one must decline (writing
 * nothing) and leave the value to the generic one. Routes whose `dst`/`src` is not a prefix (MPLS
 * labels) are skipped: no request can carry them. The time bound applies to the direct encoder.
 */
function routeEncodeTarget(seeds: readonly Uint8Array[], allSeeds: readonly Uint8Array[]): Target {
  const outcome = (f: () => void, w: Writer): string => {
    try {
      f();
      return Buffer.from(w.buf.subarray(0, w.length)).toString('hex');
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  };
  const prefix = (text: string | undefined, field: string): Prefix | undefined | null => {
    if (text === undefined || text === 'default') return undefined;
    try {
      return parsePrefix(text, field);
    } catch {
      return null;
    }
  };
  return {
    name: 'route-encode',
    roundTrips: true,
    input: messageInputs(seeds, routeMessage as unknown as AnySchema, allSeeds),
    run: (input) => {
      const b = input as Uint8Array;
      let encodeMs = 0;
      let result: { outcome: Outcome; detail?: string } = { outcome: 'ok' };
      try {
        forEachMessage(new Reader(b), (m) => {
          let route: Route;
          try {
            route = routeFromBytes(new Reader(b), m.payloadOffset, m.end, decodeContext());
          } catch (e) {
            if (e instanceof DecodeError) {
              result = { outcome: 'error' };
              return false;
            }
            throw e;
          }
          const dst = prefix(route.dst, 'dst');
          const src = prefix(route.src, 'src');
          if (dst === null || src === null) return;
          const g = new Writer(256);
          const expected = outcome(() => routeMessage.encode(g, routeToWireParsed(route, dst, src)), g);
          const d = new Writer(256);
          d.buf.fill(0xa5); // stale bytes, as in the engine's reused buffer
          let declined = false;
          const c0 = process.cpuUsage();
          const got = outcome(() => {
            declined = !routeToBytes(d, route, dst, src);
          }, d);
          const c = process.cpuUsage(c0);
          encodeMs += (c.user + c.system) / 1000;
          if (declined ? d.length !== 0 : got !== expected) {
            result = { outcome: 'roundtrip', detail: `direct encoder ${declined ? `declined but wrote ${d.length} bytes` : `gave ${got.slice(0, 200)}`}; generic gave ${expected.slice(0, 200)}` };
            return false;
          }
        });
      } catch (e) {
        if (e instanceof DecodeError) return { outcome: 'error', decodeMs: encodeMs };
        throw e;
      }
      return { ...result, decodeMs: encodeMs };
    },
  };
}

/** Every target, with its seeds loaded from test/fixtures. */
export function targets(): Target[] {
  const bySchema = fixtureMessages();
  const all: Uint8Array[] = [...bySchema.values()].flatMap((l) => l.map((m) => m.bytes));
  const seedsOf = (schema: AnySchema, extra: SeedMessage[] = []): Uint8Array[] => [...(bySchema.get(schema) ?? []), ...extra].map((m) => m.bytes);
  const mplsSeeds = mplsRouteSeeds();
  const out: Target[] = [
    schemaTarget('link', linkMessage as unknown as AnySchema, seedsOf(linkMessage as unknown as AnySchema, kindMessages()), all),
    schemaTarget('addr', addrMessage as unknown as AnySchema, seedsOf(addrMessage as unknown as AnySchema), all),
    schemaTarget('route', routeMessage as unknown as AnySchema, [...seedsOf(routeMessage as unknown as AnySchema), ...mplsSeeds], all),
    schemaTarget('neigh', neighMessage as unknown as AnySchema, seedsOf(neighMessage as unknown as AnySchema), all),
    schemaTarget('rule', ruleMessage as unknown as AnySchema, seedsOf(ruleMessage as unknown as AnySchema), all),
    schemaTarget('nexthop', nexthopMessage as unknown as AnySchema, seedsOf(nexthopMessage as unknown as AnySchema), all),
    schemaTarget('nsid', nsidMessage as unknown as AnySchema, seedsOf(nsidMessage as unknown as AnySchema), all),
    schemaTarget('tc', tcMessage as unknown as AnySchema, seedsOf(tcMessage as unknown as AnySchema), all),
    modelTarget('route-model', [...seedsOf(routeMessage as unknown as AnySchema), ...mplsSeeds], all, routeMessage as unknown as AnySchema, (r, off, end) => routeFromBytes(r, off, end, decodeContext()), (r, off, end) => routeFromWire(routeMessage.decode(r, off, end))),
    modelTarget('link-model', seedsOf(linkMessage as unknown as AnySchema, kindMessages()), all, linkMessage as unknown as AnySchema, (r, off, end) => linkFromBytes(r, off, end, decodeContext()), (r, off, end) => linkFromWire(linkMessage.decode(r, off, end))),
    routeEncodeTarget([...seedsOf(routeMessage as unknown as AnySchema), ...mplsSeeds], all),
  ];
  const datagrams = fixtureDatagrams();
  out.push({
    name: 'framing',
    roundTrips: true,
    input: (rng) => {
      const seed = rng.pick(datagrams);
      return capped(rng.next() < 0.5 ? mutateBytes(rng, seed) : concat([seed, mutateMessage(rng, rng.pick(all), undefined, all)]));
    },
    run: (input) => {
      const bytes = input as Uint8Array;
      let views;
      try {
        views = splitMessages(bytes);
        let n = 0;
        forEachMessage(new Reader(bytes), () => {
          n++;
        });
        if (n !== views.length) return { outcome: 'roundtrip', detail: 'forEachMessage and splitMessages disagree' };
      } catch (e) {
        if (e instanceof DecodeError) return { outcome: 'error' };
        throw e;
      }
      // The messages written back (same headers, same payloads) split into the same messages.
      const w = new Writer(bytes.length + 64);
      for (const m of views) writeMessage(w, m.type, m.flags, m.seq, m.pid, (w2) => w2.bytes(bytes.subarray(m.payloadOffset, m.end)));
      const again = splitMessages(w.take());
      const same =
        again.length === views.length &&
        again.every((m, i) => m.type === views[i].type && m.flags === views[i].flags && m.seq === views[i].seq && m.pid === views[i].pid && m.length === views[i].length);
      return same ? { outcome: 'ok' } : { outcome: 'roundtrip', detail: 'messages written back split differently' };
    },
  });
  const captured = datagrams.map((bytes, i): { direction: 'sent' | 'received'; bytes: Uint8Array } => ({ direction: i % 2 === 0 ? 'sent' : 'received', bytes }));
  // Seeds of a few datagrams each, so that every input stays under 64 KiB.
  const groups: (typeof captured)[] = [];
  for (let i = 0; i < captured.length; i += 4) groups.push(captured.slice(i, i + 4).filter((d) => d.bytes.length < 12_000));
  const pcaps = groups.filter((g) => g.length > 0).map((g) => pcapOf(g));
  const pcapngs = groups.filter((g) => g.length > 0).map((g) => pcapngOf(g));
  for (const [name, seeds] of [
    ['pcap', pcaps],
    ['pcapng', pcapngs],
  ] as const) {
    out.push({
      name,
      roundTrips: true,
      input: (rng) => (rng.next() < 0.02 ? rng.pick(seeds) : capped(mutateBytes(rng, rng.pick(seeds)))),
      run: (input) => {
        let datagrams: CapturedDatagram[];
        try {
          datagrams = readCapture(input as Uint8Array);
        } catch (e) {
          if (e instanceof CaptureFormatError) return { outcome: 'error' };
          throw e;
        }
        return captureRoundTrip(datagrams);
      },
    });
  }
  const straces = straceSeeds();
  out.push({
    name: 'strace',
    roundTrips: false,
    input: (rng) => (rng.next() < 0.02 ? rng.pick(straces) : mutateText(rng, rng.pick(straces))),
    run: (input) => {
      try {
        parseStraceCapture(input as string);
        return { outcome: 'ok' };
      } catch (e) {
        if (e instanceof CaptureFormatError) return { outcome: 'error' };
        throw e;
      }
    },
  });
  return out;
}

// MPLS route messages built from linux/mpls.h and rtnetlink.h (this kernel has no MPLS): seeds for
// the route target.
function mplsRouteSeeds(): Uint8Array[] {
  const label = (l: number, bos: boolean, ttl = 0): Uint8Array => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, ((l << 12) | (bos ? 0x100 : 0) | ttl) >>> 0, false);
    return b;
  };
  const rtmsg = (family: number): Uint8Array => new Uint8Array([family, 20, 0, 0, 254, 3, 0, 1, 0, 0, 0, 0]);
  const oif = attr(4, new Uint8Array([2, 0, 0, 0]));
  const via = attr(18, new Uint8Array([2, 0, 192, 0, 2, 1]));
  return [
    message(RTM_NEWROUTE, concat([rtmsg(28), attr(1, label(300, true)), attr(19, concat([label(100, false), label(200, true)])), via, oif])),
    // An IPv4 route with an MPLS encapsulation (RTA_ENCAP_TYPE LWTUNNEL_ENCAP_MPLS, MPLS_IPTUNNEL_DST).
    message(RTM_NEWROUTE, concat([rtmsg(2).map((x, i) => (i === 1 ? 24 : x)), attr(1, new Uint8Array([198, 51, 100, 0])), attr(21, new Uint8Array([1, 0])), attr(22 | 0x8000, attr(1, concat([label(17, false), label(18, true)]))), oif])),
  ];
}

// ---------------------------------------------------------------------------------------------
// Running

/** What a run found for one target. */
export interface TargetReport {
  target: string;
  inputs: number;
  decodeErrors: number;
  otherExceptions: number;
  roundTripFailures: number;
  /** The slowest input's CPU time (ms), as first measured. */
  worstMs: number;
  /**
   * The slowest input's decoding CPU time (ms; for the message schemas the decode alone, without
   * the round-trip checks), as the fastest of five runs of each input that took over 1 ms (garbage
   * collections and JIT compilation mostly removed). The 10 ms bound applies to it.
   */
  worstSteadyMs: number;
  /** The slowest input's CPU time for decoding and all the round-trip checks (ms; fastest of five runs). */
  worstCheckedMs: number;
  /** Size (bytes) of the slowest input. */
  worstBytes: number;
  /** The slowest input. */
  worstInput?: Uint8Array | string;
  /** The first few failures, with their input in hex (or text). */
  samples: string[];
}

/** Options of {@link fuzz}. */
export interface FuzzOptions {
  /** Inputs per target (default 10,000). */
  inputs?: number;
  /** Time budget per target in seconds (the run of a target stops at whichever limit comes first). */
  seconds?: number;
  /** Seed of the random inputs (default 1). */
  seed?: number;
  /** Only these targets. */
  only?: readonly string[];
  /** Called after each target. */
  onReport?: (r: TargetReport) => void;
}

// Inputs slower than this are timed four times more, and the fastest run counts: a first run may
// include compiling a code path no input took before, or a garbage collection.
const RETIME_MS = 1;

/** Runs every target (or `only`), and returns one report per target. */
export function fuzz(options: FuzzOptions = {}): TargetReport[] {
  const limit = options.inputs ?? 10_000;
  const budgetMs = (options.seconds ?? Infinity) * 1000;
  const reports: TargetReport[] = [];
  for (const t of targets()) {
    if (options.only && !options.only.includes(t.name)) continue;
    const rng = new Rng((options.seed ?? 1) * 7919 + t.name.length * 104729 + t.name.charCodeAt(0));
    const rep: TargetReport = { target: t.name, inputs: 0, decodeErrors: 0, otherExceptions: 0, roundTripFailures: 0, worstMs: 0, worstSteadyMs: 0, worstCheckedMs: 0, worstBytes: 0, samples: [] };
    const began = performance.now();
    const show = (input: Uint8Array | string): string => (typeof input === 'string' ? JSON.stringify(input.slice(0, 2000)) : hexOf(input));
    while (rep.inputs < limit && performance.now() - began < budgetMs) {
      const input = t.input(rng);
      rep.inputs++;
      // CPU time of this process (user + system) rather than wall time: on a shared machine the
      // wall clock also counts the time other processes had the CPU.
      const once = (): { ms: number; checkedMs: number; res?: { outcome: Outcome; detail?: string }; err?: unknown } => {
        const c0 = process.cpuUsage();
        try {
          const res = t.run(input);
          const c = process.cpuUsage(c0);
          const total = (c.user + c.system) / 1000;
          return { ms: res.decodeMs ?? total, checkedMs: total, res };
        } catch (err) {
          const c = process.cpuUsage(c0);
          const total = (c.user + c.system) / 1000;
          return { ms: total, checkedMs: total, err };
        }
      };
      let r = once();
      if (r.ms > rep.worstMs) rep.worstMs = r.ms;
      let steady = r.ms;
      let checked = r.checkedMs;
      if (r.checkedMs > RETIME_MS) {
        for (let i = 0; i < 4; i++) {
          r = once();
          steady = Math.min(steady, r.ms);
          checked = Math.min(checked, r.checkedMs);
        }
      }
      if (checked > rep.worstCheckedMs) rep.worstCheckedMs = checked;
      if (steady > rep.worstSteadyMs) {
        rep.worstSteadyMs = steady;
        rep.worstBytes = input.length;
        rep.worstInput = input;
      }
      if (r.err !== undefined) {
        rep.otherExceptions++;
        const e = r.err as Error;
        if (rep.samples.length < 5) rep.samples.push(`exception ${e?.name}: ${e?.message} | input ${show(input)}`);
      } else if (r.res?.outcome === 'error') rep.decodeErrors++;
      else if (r.res?.outcome === 'roundtrip') {
        rep.roundTripFailures++;
        if (rep.samples.length < 5) rep.samples.push(`round trip: ${r.res.detail} | input ${show(input)}`);
      }
    }
    reports.push(rep);
    options.onReport?.(rep);
  }
  return reports;
}
