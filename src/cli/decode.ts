// rtnl decode FILE: a capture's datagrams, each message decoded with the library's schemas.

import fs from 'node:fs';
import { inspect } from 'node:util';
import { Reader } from '../netlink/bytes.js';
import { readCapture } from '../netlink/capture/pcap.js';
import { parseStraceCapture } from '../netlink/capture/strace.js';
import type { CapturedDatagram } from '../netlink/capture/types.js';
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN } from '../netlink/constants.js';
import { errnoName, errnoText, type ExtendedAck } from '../netlink/errors.js';
import { decodeDonePayload, decodeErrorPayload, forEachMessage, type MessageView } from '../netlink/message.js';
import { unknownAttributes } from '../netlink/schema/index.js';
import { RTM_TYPE_NAMES, schemaForType } from '../rtnl/registry.js';
import type { Args } from './args.js';
import type { Context } from './context.js';
import type { IpJson, IpJsonObject } from './ipjson.js';

/**
 * A decoded value made fit for JSON: 64-bit numbers (bigint) as decimal strings, bytes as hex,
 * lazily decoded attributes read, `undefined` left out.
 */
export function toJsonValue(v: unknown): IpJson {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (typeof v === 'object') {
    const o: IpJsonObject = {};
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) o[k] = toJsonValue(x);
    }
    return o;
  }
  return String(v);
}

const COMMON_FLAGS: readonly [number, string][] = [
  [0x01, 'REQUEST'],
  [0x02, 'MULTI'],
  [0x04, 'ACK'],
  [0x08, 'ECHO'],
  [0x10, 'DUMP_INTR'],
  [0x20, 'DUMP_FILTERED'],
];
const GET_FLAGS: readonly [number, string][] = [
  [0x300, 'DUMP'],
  [0x100, 'ROOT'],
  [0x200, 'MATCH'],
  [0x400, 'ATOMIC'],
];
const NEW_FLAGS: readonly [number, string][] = [
  [0x100, 'REPLACE'],
  [0x200, 'EXCL'],
  [0x400, 'CREATE'],
  [0x800, 'APPEND'],
];
const DEL_FLAGS: readonly [number, string][] = [
  [0x100, 'NONREC'],
  [0x200, 'BULK'],
];
const ACK_FLAGS: readonly [number, string][] = [
  [0x100, 'CAPPED'],
  [0x200, 'ACK_TLVS'],
];

/** The names of a message's nlmsg_flags (the meaning of the high bits depends on the type). */
export function messageFlagNames(type: number, flags: number): string[] {
  let rest = flags;
  const out: string[] = [];
  const take = (table: readonly [number, string][]): void => {
    for (const [bit, name] of table) {
      if ((rest & bit) === bit) {
        out.push(name);
        rest &= ~bit;
      }
    }
  };
  take(COMMON_FLAGS);
  if (type === NLMSG_ERROR || type === NLMSG_DONE) take(ACK_FLAGS);
  else if (type >= 16 && type % 4 === 2) take(GET_FLAGS);
  else if (type >= 16 && type % 4 === 0) take(NEW_FLAGS);
  else if (type >= 16 && type % 4 === 1) take(DEL_FLAGS);
  if (rest !== 0) out.push(`0x${rest.toString(16)}`);
  return out;
}

/** The name of a message type: NLMSG_* or RTM_* (NETLINK_ROUTE only), else its number. */
export function messageTypeName(type: number, protocol: number): string {
  switch (type) {
    case NLMSG_NOOP:
      return 'NLMSG_NOOP';
    case NLMSG_ERROR:
      return 'NLMSG_ERROR';
    case NLMSG_DONE:
      return 'NLMSG_DONE';
    case NLMSG_OVERRUN:
      return 'NLMSG_OVERRUN';
    default:
      return (protocol === 0 ? RTM_TYPE_NAMES[type] : undefined) ?? String(type);
  }
}

function extackJson(e: ExtendedAck): IpJsonObject | undefined {
  const o = toJsonValue(e) as IpJsonObject;
  return Object.keys(o).length > 0 ? o : undefined;
}

/** One message of a datagram, decoded. */
function decodeMessage(r: Reader, m: MessageView, protocol: number): IpJsonObject {
  const o: IpJsonObject = { type: messageTypeName(m.type, protocol), flags: messageFlagNames(m.type, m.flags), seq: m.seq, pid: m.pid, length: m.length };
  try {
    if (m.type === NLMSG_ERROR) {
      const e = decodeErrorPayload(r, m.payloadOffset, m.end, m.flags);
      const request: IpJsonObject = { type: messageTypeName(e.request.type, protocol), flags: messageFlagNames(e.request.type, e.request.flags), seq: e.request.seq };
      if (e.error === 0) o.ack = true;
      else o.error = { errno: -e.error, code: errnoName(-e.error), text: errnoText(-e.error) };
      o.request = request;
      const ext = extackJson(e.extack);
      if (ext) o.extack = ext;
    } else if (m.type === NLMSG_DONE) {
      const d = decodeDonePayload(r, m.payloadOffset, m.end, m.flags);
      if (d.error !== 0) o.error = { errno: -d.error, code: errnoName(-d.error), text: errnoText(-d.error) };
      const ext = extackJson(d.extack);
      if (ext) o.extack = ext;
    } else if (m.type >= 16) {
      const schema = protocol === 0 ? schemaForType(m.type) : undefined;
      if (schema) {
        const value = schema.decode(r, m.payloadOffset, m.end);
        o.object = toJsonValue(value);
        const unknown = unknownAttributes(value);
        if (unknown.length > 0) o.unknown_attributes = unknown.map((a) => ({ type: a.type, data: toJsonValue(a.data) }));
      } else {
        o.payload = r.buf.toString('hex', m.payloadOffset, m.end);
      }
    }
  } catch (err) {
    o.decode_error = err instanceof Error ? err.message : String(err);
    o.payload = r.buf.toString('hex', m.payloadOffset, m.end);
  }
  return o;
}

/** One datagram of a capture with its messages decoded, in the JSON shape `rtnl -j decode` prints. */
export function decodeDatagram(d: CapturedDatagram, index: number): IpJsonObject {
  const o: IpJsonObject = { index, direction: d.direction, protocol: d.protocol, length: d.bytes.length };
  if (d.timestamp) o.timestamp = d.timestamp;
  if (d.fd !== undefined) o.fd = d.fd;
  if (d.originalLength !== undefined) o.original_length = d.originalLength;
  const messages: IpJsonObject[] = [];
  const r = new Reader(d.bytes);
  try {
    forEachMessage(r, (m) => {
      messages.push(decodeMessage(r, m, d.protocol));
    });
  } catch (err) {
    // A datagram cut short by the capture, or not netlink at all: what is left, in hex.
    const done = messages.reduce((n, m) => n + (((m.length as number) + 3) & ~3), 0);
    messages.push({ decode_error: err instanceof Error ? err.message : String(err), payload: r.buf.toString('hex', done) });
  }
  o.messages = messages;
  return o;
}

/** Whether the file looks like text (strace output) rather than a binary capture. */
function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === 0 || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)) return false;
  }
  return true;
}

/** Reads a capture file: pcap, pcapng, or strace text. */
export function readCaptureFile(path: string, fd?: number): CapturedDatagram[] {
  const bytes = fs.readFileSync(path);
  if (looksLikeText(bytes)) return parseStraceCapture(bytes.toString('utf8'), fd === undefined ? {} : { fd });
  // pcap and pcapng captures name no file descriptors: `fd` concerns strace captures only.
  return readCapture(bytes);
}

function timeText(t: number): string {
  return t ? new Date(t * 1000).toISOString() : '';
}

/** Runs `rtnl decode FILE [fd N]`. */
export async function runDecode(ctx: Context, args: Args): Promise<void> {
  let file: string | undefined;
  let fd: number | undefined;
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'fd') fd = args.uint('fd');
    else if (file === undefined) file = w;
    else throw args.unknown(w);
  }
  if (file === undefined) throw args.error('"decode" needs a FILE');
  const datagrams = readCaptureFile(file, fd).map(decodeDatagram);
  if (ctx.options.json) {
    ctx.json(datagrams);
    return;
  }
  for (const d of datagrams) {
    const head = [`#${String(d.index)}`, String(d.direction), timeText((d.timestamp as number | undefined) ?? 0), d.protocol === 0 ? 'route' : `protocol ${String(d.protocol)}`, `${String(d.length)} bytes`];
    if (d.fd !== undefined) head.push(`fd ${String(d.fd)}`);
    if (d.original_length !== undefined) head.push(`(cut from ${String(d.original_length)})`);
    ctx.line(head.filter((x) => x !== '').join(' '));
    for (const m of d.messages as IpJsonObject[]) {
      if (m.type === undefined) {
        ctx.line(`  undecodable: ${String(m.decode_error)}: ${String(m.payload)}`);
        continue;
      }
      const flags = (m.flags as string[]).join(',');
      let line = `  ${String(m.type)} ${flags === '' ? '-' : flags} seq ${String(m.seq)} pid ${String(m.pid)}`;
      if (m.ack) line += ` ACK for ${String((m.request as IpJsonObject).type)} seq ${String((m.request as IpJsonObject).seq)}`;
      if (m.error !== undefined) {
        const e = m.error as IpJsonObject;
        line += ` ${String(e.code)} (${String(e.text)})`;
        if (m.request !== undefined) line += ` for ${String((m.request as IpJsonObject).type)} seq ${String((m.request as IpJsonObject).seq)}`;
      }
      if (m.extack !== undefined) line += ` extack ${JSON.stringify(m.extack)}`;
      ctx.line(line);
      if (m.object !== undefined) ctx.line(indent(inspect(m.object, { depth: null, breakLength: 100, compact: 3, maxArrayLength: null, maxStringLength: null })));
      if (m.unknown_attributes !== undefined) ctx.line(indent(`unknown attributes: ${JSON.stringify(m.unknown_attributes)}`));
      if (m.decode_error !== undefined) ctx.line(indent(`cannot decode: ${String(m.decode_error)}`));
      if (m.payload !== undefined) ctx.line(indent(`payload ${String(m.payload)}`));
    }
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
