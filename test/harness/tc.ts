// Traffic-control fixtures (test/fixtures/kernel/tc, captured from tc by tools/capture-tc-fixtures.sh)
// and the pieces the tc tests build messages from.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Reader, Writer } from '../../src/netlink/bytes.js';
import { NLMSG_ERROR } from '../../src/netlink/constants.js';
import { decodeErrorPayload, forEachMessage } from '../../src/netlink/message.js';
import { tcMessage } from '../../src/rtnl/generated/tc.js';
import type { TcWire } from '../../src/rtnl/tc/common/wire.js';

/** One fixture file. */
export interface TcFixture {
  command: string;
  stderr?: string;
  stdout?: string;
  datagrams: { direction: 'sent' | 'received'; hex: string }[];
  ipJson?: Record<string, unknown>[];
}

/** Reads test/fixtures/kernel/tc/<name>.json. */
export const loadTc = (name: string): TcFixture =>
  JSON.parse(readFileSync(new URL(`../fixtures/kernel/tc/${name}.json`, import.meta.url), 'utf8')) as TcFixture;

/** The payloads of the messages of `type` going one way, with their netlink flags. */
export function tcPayloads(fx: TcFixture, direction: 'sent' | 'received', type: number): Buffer[] {
  const out: Buffer[] = [];
  for (const d of fx.datagrams.filter((x) => x.direction === direction)) {
    const buf = Buffer.from(d.hex, 'hex');
    forEachMessage(new Reader(buf), (m) => {
      if (m.type === type) out.push(buf.subarray(m.payloadOffset, m.end));
    });
  }
  return out;
}

/** The kernel's error answers (errno and extended ACK) of a fixture. */
export function tcErrors(fx: TcFixture): ReturnType<typeof decodeErrorPayload>[] {
  const errs: ReturnType<typeof decodeErrorPayload>[] = [];
  for (const d of fx.datagrams.filter((x) => x.direction === 'received')) {
    const r = new Reader(Buffer.from(d.hex, 'hex'));
    forEachMessage(r, (m) => {
      if (m.type === NLMSG_ERROR) errs.push(decodeErrorPayload(r, m.payloadOffset, m.end, m.flags));
    });
  }
  return errs.filter((e) => e.error !== 0);
}

/** A tc message encoded. */
export function encodeTc(w: TcWire): Buffer {
  const out = new Writer(256);
  tcMessage.encode(out, w);
  return Buffer.from(out.take());
}

/** A tc message decoded. */
export const decodeTc = (b: Uint8Array): TcWire => tcMessage.decode(new Reader(b), 0, b.length);

export const u16le = (v: number): Uint8Array => {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, true);
  return b;
};
export const u16be = (v: number): Uint8Array => {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, false);
  return b;
};
export const u32le = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
};
export const u32be = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, false);
  return b;
};
export const u64le = (v: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};
export const str = (s: string): Uint8Array => new TextEncoder().encode(`${s}\0`);

/** One attribute: header, payload, padding; `nested` sets NLA_F_NESTED. */
export function nla(type: number, payload: Uint8Array, nested = false): Uint8Array {
  const len = 4 + payload.length;
  const b = new Uint8Array((len + 3) & ~3);
  new DataView(b.buffer).setUint16(0, len, true);
  new DataView(b.buffer).setUint16(2, type | (nested ? 0x8000 : 0), true);
  b.set(payload, 4);
  return b;
}

/** Runs `tc -n NS ARGS` and returns its output. */
export function tcIn(ns: string, args: string): string {
  return execFileSync('tc', ['-n', ns, ...args.split(' ')], { encoding: 'utf8' });
}
