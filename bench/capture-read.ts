// Reading a 100 MB capture: the library's readCapture (container formats parsed with
// binary-parser) against the hand-written DataView reader it replaced (bench/baseline), in the same
// process on the same bytes, alternating, median of several runs after warm-up runs.
//   npx tsx bench/capture-read.ts
//
// Three files of about 100 MB, built in memory (no kernel, no root):
// - `dump`: classic pcap of 32 KiB datagrams, the size of the kernel's dump replies (~3,200 records);
// - `small`: classic pcap of 84-byte datagrams (requests, ACKs, events; ~1 million records);
// - `pcapng`: the small datagrams as pcapng enhanced packet blocks with an epb_flags option.
// Prints one JSON line per file.

import { readCaptureDataView } from './baseline/pcap-read-dataview.js';
import { encodePcapRecord, readCapture, writePcapHeader } from '../src/netlink/capture/pcap.js';

const TARGET = Number(process.env.CAPTURE_MB ?? 100) * 1024 * 1024;
const RUNS = 7;
const WARMUP = 2;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A netlink datagram of `size` bytes: one message, NLM_F_REQUEST on even sequence numbers. */
function datagram(size: number, seq: number): Uint8Array {
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  v.setUint32(0, size, true);
  v.setUint16(4, 16, true);
  v.setUint16(6, seq % 2 === 0 ? 0x1 : 0x2, true);
  v.setUint32(8, seq, true);
  b.fill(0xab, 16);
  return b;
}

function pcapFile(size: number): Uint8Array {
  const parts: Uint8Array[] = [writePcapHeader()];
  let total = parts[0].length;
  for (let i = 0; total < TARGET; i++) {
    const r = encodePcapRecord({ direction: i % 2 === 0 ? 'sent' : 'received', bytes: datagram(size, i), timestamp: 1_700_000_000 + i / 1000 });
    parts.push(r);
    total += r.length;
  }
  return Buffer.concat(parts);
}

function pcapngFile(size: number): Uint8Array {
  const block = (type: number, body: Uint8Array): Uint8Array => {
    const len = 12 + body.length + ((4 - (body.length % 4)) % 4);
    const b = new Uint8Array(len);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, true);
    v.setUint32(4, len, true);
    b.set(body, 8);
    v.setUint32(len - 4, len, true);
    return b;
  };
  const shbBody = new Uint8Array(16);
  new DataView(shbBody.buffer).setUint32(0, 0x1a2b3c4d, true);
  new DataView(shbBody.buffer).setUint16(4, 1, true);
  new DataView(shbBody.buffer).setBigInt64(8, -1n, true);
  const shb = block(0x0a0d0d0a, shbBody);
  const idbBody = new Uint8Array(8);
  new DataView(idbBody.buffer).setUint16(0, 253, true);
  new DataView(idbBody.buffer).setUint32(4, 262144, true);
  const parts: Uint8Array[] = [shb, block(1, idbBody)];
  let total = shb.length + parts[1].length;
  for (let i = 0; total < TARGET; i++) {
    const packet = encodePcapRecord({ direction: i % 2 === 0 ? 'sent' : 'received', bytes: datagram(size, i), timestamp: 1 }).subarray(16);
    const padded = packet.length + ((4 - (packet.length % 4)) % 4);
    const body = new Uint8Array(20 + padded + 12);
    const v = new DataView(body.buffer);
    v.setUint32(0, 0, true);
    v.setUint32(4, 0, true);
    v.setUint32(8, i, true);
    v.setUint32(12, packet.length, true);
    v.setUint32(16, packet.length, true);
    body.set(packet, 20);
    v.setUint16(20 + padded, 2, true); // epb_flags
    v.setUint16(22 + padded, 4, true);
    v.setUint32(24 + padded, i % 2 === 0 ? 2 : 1, true);
    const b = block(6, body);
    parts.push(b);
    total += b.length;
  }
  return Buffer.concat(parts);
}

function measure(name: string, bytes: Uint8Array): void {
  const readers = { binaryParser: readCapture, dataView: readCaptureDataView };
  const times: Record<keyof typeof readers, number[]> = { binaryParser: [], dataView: [] };
  let records = 0;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    // Alternate, so that the machine's noise falls on both alike.
    for (const key of (i % 2 === 0 ? ['binaryParser', 'dataView'] : ['dataView', 'binaryParser']) as (keyof typeof readers)[]) {
      const t0 = performance.now();
      const out = readers[key](bytes);
      const ms = performance.now() - t0;
      records = out.length;
      if (i >= WARMUP) times[key].push(ms);
    }
  }
  const bp = median(times.binaryParser);
  const dv = median(times.dataView);
  console.log(
    JSON.stringify({
      bench: 'capture-read',
      file: name,
      mb: Math.round((bytes.length / 1024 / 1024) * 10) / 10,
      records,
      binary_parser_ms: Math.round(bp),
      dataview_ms: Math.round(dv),
      ratio: Math.round((bp / dv) * 100) / 100,
    }),
  );
}

measure('dump', pcapFile(32 * 1024));
measure('small', pcapFile(84));
measure('pcapng', pcapngFile(84));
