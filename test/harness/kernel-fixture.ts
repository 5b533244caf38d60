// Helpers for the kernel byte fixtures (test/fixtures/kernel/*.json): load one, replay it through a
// handle, decode its reply messages with a schema and check that re-encoding gives the same bytes.

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { Reader, Writer } from '../../src/netlink/bytes.js';
import { ReplayMismatchError, ReplayTransport, type CapturedDatagram } from '../../src/netlink/capture/index.js';
import { splitMessages, type MessageSchema, type MessageValue } from '../../src/netlink/message.js';
import type { AttrSpecs, StructMembers } from '../../src/netlink/schema/index.js';
import { linkMessage, RTM_NEWLINK } from '../../src/rtnl/generated/link.js';
import { NetlinkSocket } from '../../src/netlink/socket.js';
import { openNetns } from '../../src/ns/ref.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';

/** A fixture file as tools/capture-fixtures.sh writes it. */
export interface KernelFixture {
  command: string;
  setup: string[];
  datagrams: { direction: 'sent' | 'received'; fd: number; hex: string }[];
  ipJsonCommand?: string;
  ipJson?: unknown;
}

/** Loads test/fixtures/kernel/<name>.json. */
export function loadKernelFixture(name: string): KernelFixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/kernel/${name}.json`, import.meta.url), 'utf8')) as KernelFixture;
}

/** The fixture's datagrams as a ReplayTransport takes them. */
export function capturedDatagrams(fx: KernelFixture): CapturedDatagram[] {
  return fx.datagrams.map((d) => ({ direction: d.direction, protocol: 0, timestamp: 0, fd: d.fd, bytes: new Uint8Array(Buffer.from(d.hex, 'hex')) }));
}

/** One message received in a fixture: its header fields and the whole datagram it is in. */
export interface ReceivedMessage {
  fd: number;
  type: number;
  flags: number;
  seq: number;
  datagram: Buffer;
  payloadOffset: number;
  end: number;
}

/** Every message of type `type` the kernel sent in the fixture (on fd `fd`, if given), in order. */
export function receivedMessages(fx: KernelFixture, type: number, fd?: number): ReceivedMessage[] {
  const out: ReceivedMessage[] = [];
  for (const d of fx.datagrams) {
    if (d.direction !== 'received' || (fd !== undefined && d.fd !== fd)) continue;
    const datagram = Buffer.from(d.hex, 'hex');
    for (const m of splitMessages(datagram)) {
      if (m.type === type) out.push({ fd: d.fd, type: m.type, flags: m.flags, seq: m.seq, datagram, payloadOffset: m.payloadOffset, end: m.end });
    }
  }
  return out;
}

/**
 * Decodes each message with `schema` and checks that encoding the decoded value gives back the
 * payload byte for byte. Returns the decoded values.
 */
export function decodeAndReencode<H extends StructMembers, A extends AttrSpecs>(schema: MessageSchema<H, A>, messages: readonly ReceivedMessage[]): MessageValue<H, A>[] {
  return messages.map((m, i) => {
    const value = schema.decode(new Reader(m.datagram), m.payloadOffset, m.end);
    const w = new Writer(256);
    schema.encode(w, value);
    const payload = m.datagram.subarray(m.payloadOffset, m.end);
    expect(Buffer.from(w.take()).toString('hex'), `${schema.name} message ${i}`).toBe(payload.toString('hex'));
    return value;
  });
}

/** Interface names by index, from the RTM_NEWLINK replies the fixture holds (iproute2's name lookups). */
export function linkNames(fx: KernelFixture): Map<number, string> {
  const names = new Map<number, string>();
  for (const m of receivedMessages(fx, RTM_NEWLINK)) {
    const l = linkMessage.decode(new Reader(m.datagram), m.payloadOffset, m.end);
    names.set(l.index as number, l.name as string);
  }
  return names;
}

/**
 * The request a library call sends, caught on a transport that has no replies (a ReplayTransport
 * with an empty capture refuses every request and reports its bytes). `call` gets a handle whose
 * every request fails, so give it link indexes rather than names.
 */
export async function requestBytes(call: (rtnl: Rtnl) => Promise<unknown>): Promise<Uint8Array> {
  const rtnl = await Rtnl.open({ transport: new ReplayTransport([]) });
  try {
    const err = await call(rtnl).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof ReplayMismatchError)) throw new Error(`expected the request to reach the transport, got ${String(err)}`);
    return err.request;
  } finally {
    rtnl.close();
  }
}

/**
 * Checks that our request and iproute2's (hex, as strace showed it) are the same message: type,
 * flags (but the bits in `flagsIgnored`), and the same decoded header and attributes, attribute
 * order aside. iproute2's bytes must also re-encode to themselves.
 */
export function expectSameRequest<H extends StructMembers, A extends AttrSpecs>(
  schema: MessageSchema<H, A>,
  ours: Uint8Array,
  theirsHex: string,
  flagsIgnored = 0,
): MessageValue<H, A> {
  const theirs = Buffer.from(theirsHex, 'hex');
  const o = Buffer.from(ours);
  const header = (b: Buffer): [number, number] => [b.readUInt16LE(4), b.readUInt16LE(6) & ~flagsIgnored];
  expect(header(o)).toEqual(header(theirs));
  const [t] = decodeAndReencode(schema, [{ fd: 0, type: theirs.readUInt16LE(4), flags: 0, seq: 0, datagram: theirs, payloadOffset: 16, end: theirs.readUInt32LE(0) }]);
  const mine = schema.decode(new Reader(o), 16, o.readUInt32LE(0));
  expect({ ...mine }).toEqual({ ...t });
  return mine;
}

/**
 * A handle in namespace `name` whose socket has NETLINK_GET_STRICT_CHK off: the kernel then
 * ignores dump filters, so what comes back filtered was filtered by the library.
 */
export function openLooseRtnl(name: string): Rtnl {
  const ns = openNetns(name);
  try {
    return Rtnl.openSync({ transport: NetlinkSocket.open({ netnsFd: ns.fd, strictCheck: false }) });
  } finally {
    ns.close(); // the socket stays in the namespace it was opened in
  }
}
