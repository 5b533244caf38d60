// rtnl decode FILE: a capture's datagrams, each message decoded with the library's schemas.

import { inspect } from 'node:util';
import { decodeDatagram, readCaptureFile as readCapture, type CapturedDatagram, type DecodedMessage } from '../entries/capture.js';
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

/** One datagram of a capture with its messages decoded, in the JSON shape `rtnl -j decode` prints. */
export function decodeDatagramJson(d: CapturedDatagram, index: number): IpJsonObject {
  const o: IpJsonObject = { index, direction: d.direction, protocol: d.protocol, length: d.bytes.length };
  if (d.timestamp) o.timestamp = d.timestamp;
  if (d.fd !== undefined) o.fd = d.fd;
  if (d.originalLength !== undefined) o.original_length = d.originalLength;
  o.messages = decodeDatagram(d.bytes, d.protocol).map(messageJson);
  return o;
}

function messageJson(m: DecodedMessage): IpJsonObject {
  // A datagram cut short, or not netlink at all: only what is left, in hex.
  if (m.type === '') return { decode_error: m.decodeError ?? '', payload: toJsonValue(m.payload) };
  const o: IpJsonObject = { type: m.type, flags: m.flags, seq: m.seq, pid: m.pid, length: m.length };
  if (m.ack) o.ack = true;
  if (m.error) o.error = { errno: m.error.errno, code: m.error.code, text: m.error.text };
  if (m.request) o.request = { type: m.request.type, flags: m.request.flags, seq: m.request.seq };
  if (m.extack) o.extack = toJsonValue(m.extack);
  if (m.object !== undefined) o.object = toJsonValue(m.object);
  if (m.unknownAttributes) o.unknown_attributes = m.unknownAttributes.map((a) => ({ type: a.type, data: toJsonValue(a.data) }));
  if (m.decodeError !== undefined) o.decode_error = m.decodeError;
  if (m.payload !== undefined) o.payload = toJsonValue(m.payload);
  return o;
}

/** Reads a capture file: pcap, pcapng, or strace text (bounded, its format told from its first bytes). */
export function readCaptureFile(path: string, fd?: number): CapturedDatagram[] {
  return readCapture(path, fd === undefined ? {} : { fd });
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
  const datagrams = readCaptureFile(file, fd).map(decodeDatagramJson);
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
