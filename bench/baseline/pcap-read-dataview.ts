// The capture reader as it was before the container formats moved to binary-parser (DataView
// reads by hand), frozen here so that bench/capture-read.ts can compare both in one run. Not used
// by the library.

import { copyBytes } from '../../src/netlink/bytes.js';
import { CaptureFormatError, type CaptureDirection, type CapturedDatagram } from '../../src/netlink/capture/types.js';

const LINKTYPE_NETLINK = 253;
const ARPHRD_NETLINK = 824;
const NETLINK_PSEUDO_HEADER_LEN = 16;
const LINUX_SLL_OUTGOING = 4;
const PACKET_USER = 6;
const PACKET_KERNEL = 7;

const PCAP_MAGIC_MICRO = 0xa1b2c3d4;
const PCAP_MAGIC_NANO = 0xa1b23c4d;
const PCAP_HEADER_LEN = 24;
const PCAP_RECORD_HEADER_LEN = 16;

const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const PCAPNG_IDB = 1;
const PCAPNG_OPB = 2;
const PCAPNG_SPB = 3;
const PCAPNG_EPB = 6;
const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
const OPT_EPB_FLAGS = 2;

const NLM_F_REQUEST = 0x1;

// ---------------------------------------------------------------------------------------------
// Reading

/** A packet found in a file, before its direction is settled (which may depend on the whole file). */
interface RawPacket {
  packetType: number;
  /** From pcapng's epb_flags: 1 inbound, 2 outbound, 0 unknown. */
  flagsDirection: number;
  protocol: number;
  timestamp: number;
  bytes: Uint8Array;
  originalLength?: number;
}

/**
 * Reads the netlink datagrams of a capture file: classic pcap (either byte order, microsecond or
 * nanosecond magic) or pcapng (any number of sections and interfaces; enhanced, simple and obsolete
 * packet blocks; other block types are skipped) of link type LINKTYPE_NETLINK. In a pcapng file,
 * packets of interfaces of other link types are skipped.
 *
 * The direction of each datagram comes from pcapng's `epb_flags` when present, else from the
 * pseudo-header's packet type: 0-3 (host, broadcast, multicast, other host) and 6 (PACKET_USER)
 * are `received`, 7 (PACKET_KERNEL) is `sent`. Packet type 4 (outgoing) is `sent` in a file that
 * also uses the host types (as {@link PcapWriter}'s files do); in a file whose packets are all
 * "outgoing", which is what tcpdump on an nlmon device records for both directions, a datagram is
 * `sent` when its first message has NLM_F_REQUEST, else `received`.
 *
 * @returns The datagrams in file order, their bytes copied out of `bytes`.
 * @throws {@link CaptureFormatError} for anything else: an unknown magic, a truncated or
 * inconsistent header, record or block, a link type other than LINKTYPE_NETLINK, a packet without
 * the 16-byte pseudo-header or whose ARPHRD type is not ARPHRD_NETLINK.
 */
export function readCaptureDataView(bytes: Uint8Array): CapturedDatagram[] {
  if (!(bytes instanceof Uint8Array)) throw new CaptureFormatError('a capture must be given as a Uint8Array');
  if (bytes.length < 4) throw new CaptureFormatError(`${bytes.length} bytes are too few for a capture file`, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const be = view.getUint32(0, false);
  const le = view.getUint32(0, true);
  let packets: RawPacket[];
  if (be === PCAPNG_SHB) packets = readPcapng(bytes, view);
  else if (le === PCAP_MAGIC_MICRO || le === PCAP_MAGIC_NANO) packets = readPcap(bytes, view, true, le === PCAP_MAGIC_NANO);
  else if (be === PCAP_MAGIC_MICRO || be === PCAP_MAGIC_NANO) packets = readPcap(bytes, view, false, be === PCAP_MAGIC_NANO);
  else throw new CaptureFormatError(`not a pcap or pcapng file: it starts with 0x${be.toString(16).padStart(8, '0')}`, 0);

  const hostTypes = packets.some((p) => p.packetType <= 3);
  return packets.map((p) => {
    const d: CapturedDatagram = { direction: directionOf(p, hostTypes), protocol: p.protocol, timestamp: p.timestamp, bytes: p.bytes };
    if (p.originalLength !== undefined) d.originalLength = p.originalLength;
    return d;
  });
}

function directionOf(p: RawPacket, hostTypes: boolean): CaptureDirection {
  if (p.flagsDirection === 1) return 'received';
  if (p.flagsDirection === 2) return 'sent';
  if (p.packetType <= 3 || p.packetType === PACKET_USER) return 'received';
  if (p.packetType === PACKET_KERNEL) return 'sent';
  if (p.packetType === LINUX_SLL_OUTGOING && hostTypes) return 'sent';
  // nlmon through AF_PACKET: every packet is "outgoing". Requests carry NLM_F_REQUEST, the
  // kernel's messages never do.
  const b = p.bytes;
  return b.length >= 16 && ((b[6] | (b[7] << 8)) & NLM_F_REQUEST) !== 0 ? 'sent' : 'received';
}

/** Splits one LINKTYPE_NETLINK packet into its pseudo-header's fields and a copy of the datagram. */
function decodePacket(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  captured: number,
  original: number,
  timestamp: number,
  flagsDirection: number,
): RawPacket {
  if (captured < NETLINK_PSEUDO_HEADER_LEN) {
    throw new CaptureFormatError(`packet of ${captured} bytes is shorter than the ${NETLINK_PSEUDO_HEADER_LEN}-byte LINKTYPE_NETLINK header`, start);
  }
  const hatype = view.getUint16(start + 2, false);
  if (hatype !== ARPHRD_NETLINK) {
    throw new CaptureFormatError(`packet's ARPHRD type is ${hatype}, not ARPHRD_NETLINK (${ARPHRD_NETLINK})`, start + 2);
  }
  const p: RawPacket = {
    packetType: view.getUint16(start, false),
    flagsDirection,
    protocol: view.getUint16(start + 14, false),
    timestamp,
    bytes: copyBytes(bytes, start + NETLINK_PSEUDO_HEADER_LEN, start + captured),
  };
  if (original > captured) p.originalLength = original - NETLINK_PSEUDO_HEADER_LEN;
  return p;
}

function readPcap(bytes: Uint8Array, view: DataView, le: boolean, nano: boolean): RawPacket[] {
  const n = bytes.length;
  if (n < PCAP_HEADER_LEN) throw new CaptureFormatError(`pcap file header truncated: ${n} of ${PCAP_HEADER_LEN} bytes`, 0);
  const major = view.getUint16(4, le);
  if (major !== 2) throw new CaptureFormatError(`unsupported pcap version ${major}.${view.getUint16(6, le)}`, 4);
  const linktype = view.getUint32(20, le) & 0xffff; // the upper bits may carry FCS information
  if (linktype !== LINKTYPE_NETLINK) {
    throw new CaptureFormatError(`link type ${linktype} is not LINKTYPE_NETLINK (${LINKTYPE_NETLINK})`, 20);
  }
  const units = nano ? 1e9 : 1e6;
  const out: RawPacket[] = [];
  let off = PCAP_HEADER_LEN;
  while (off < n) {
    if (n - off < PCAP_RECORD_HEADER_LEN) throw new CaptureFormatError(`record header truncated: ${n - off} of ${PCAP_RECORD_HEADER_LEN} bytes`, off);
    const sec = view.getUint32(off, le);
    const frac = view.getUint32(off + 4, le);
    const captured = view.getUint32(off + 8, le);
    const original = view.getUint32(off + 12, le);
    const start = off + PCAP_RECORD_HEADER_LEN;
    if (captured > n - start) throw new CaptureFormatError(`record of ${captured} bytes runs past the end of the file (${n - start} bytes left)`, off + 8);
    out.push(decodePacket(bytes, view, start, captured, original, sec + frac / units, 0));
    off = start + captured;
  }
  return out;
}

interface PcapngInterface {
  linktype: number;
  snaplen: number;
  /** Timestamp units per second. */
  units: number;
  /** if_tsoffset, in seconds. */
  offset: number;
}

function readPcapng(bytes: Uint8Array, view: DataView): RawPacket[] {
  const n = bytes.length;
  const out: RawPacket[] = [];
  const otherLinktypes = new Set<number>();
  let le = true;
  let interfaces: PcapngInterface[] = [];
  let off = 0;
  while (off < n) {
    if (n - off < 12) throw new CaptureFormatError(`block header truncated: ${n - off} bytes left`, off);
    let type: number;
    if (view.getUint32(off, false) === PCAPNG_SHB) {
      // The section's byte order is only known from its byte-order magic.
      type = PCAPNG_SHB;
      const bom = view.getUint32(off + 8, true);
      if (bom === PCAPNG_BYTE_ORDER_MAGIC) le = true;
      else if (view.getUint32(off + 8, false) === PCAPNG_BYTE_ORDER_MAGIC) le = false;
      else throw new CaptureFormatError(`section header's byte-order magic is 0x${bom.toString(16)}, not 0x1a2b3c4d`, off + 8);
    } else {
      type = view.getUint32(off, le);
    }
    const len = view.getUint32(off + 4, le);
    if (len < 12 || len % 4 !== 0) throw new CaptureFormatError(`block length ${len} is not a multiple of 4 of at least 12`, off + 4);
    if (len > n - off) throw new CaptureFormatError(`block of ${len} bytes runs past the end of the file (${n - off} bytes left)`, off + 4);
    const end = off + len;
    if (view.getUint32(end - 4, le) !== len) throw new CaptureFormatError(`block's trailing length ${view.getUint32(end - 4, le)} differs from its length ${len}`, end - 4);
    const bodyEnd = end - 4;

    switch (type) {
      case PCAPNG_SHB: {
        if (len < 28) throw new CaptureFormatError(`section header block of ${len} bytes, need 28`, off);
        const major = view.getUint16(off + 12, le);
        if (major !== 1) throw new CaptureFormatError(`unsupported pcapng version ${major}.${view.getUint16(off + 14, le)}`, off + 12);
        interfaces = [];
        break;
      }
      case PCAPNG_IDB: {
        if (len < 20) throw new CaptureFormatError(`interface description block of ${len} bytes, need 20`, off);
        const iface: PcapngInterface = { linktype: view.getUint16(off + 8, le), snaplen: view.getUint32(off + 12, le), units: 1e6, offset: 0 };
        forEachOption(view, off + 16, bodyEnd, le, (code, at, olen) => {
          if (code === OPT_IF_TSRESOL && olen >= 1) {
            const r = view.getUint8(at);
            iface.units = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
          } else if (code === OPT_IF_TSOFFSET && olen >= 8) {
            iface.offset = Number(view.getBigInt64(at, le));
          }
        });
        interfaces.push(iface);
        break;
      }
      case PCAPNG_EPB:
      case PCAPNG_OPB: {
        if (len < 32) throw new CaptureFormatError(`packet block of ${len} bytes, need 32`, off);
        const id = type === PCAPNG_EPB ? view.getUint32(off + 8, le) : view.getUint16(off + 8, le);
        const iface = interfaces[id];
        if (!iface) throw new CaptureFormatError(`packet of interface ${id}, but the section describes ${interfaces.length}`, off + 8);
        const ticks = view.getUint32(off + 12, le) * 4294967296 + view.getUint32(off + 16, le);
        const captured = view.getUint32(off + 20, le);
        const original = view.getUint32(off + 24, le);
        const start = off + 28;
        if (captured > bodyEnd - start) throw new CaptureFormatError(`packet of ${captured} bytes does not fit in its block`, off + 20);
        let flagsDirection = 0;
        if (type === PCAPNG_EPB) {
          forEachOption(view, start + align4(captured), bodyEnd, le, (code, at, olen) => {
            if (code === OPT_EPB_FLAGS && olen >= 4) flagsDirection = view.getUint32(at, le) & 3;
          });
        }
        if (iface.linktype !== LINKTYPE_NETLINK) {
          otherLinktypes.add(iface.linktype);
          break;
        }
        out.push(decodePacket(bytes, view, start, captured, original, ticks / iface.units + iface.offset, flagsDirection));
        break;
      }
      case PCAPNG_SPB: {
        if (len < 16) throw new CaptureFormatError(`simple packet block of ${len} bytes, need 16`, off);
        const iface = interfaces[0];
        if (!iface) throw new CaptureFormatError('simple packet block in a section that describes no interface', off);
        const original = view.getUint32(off + 8, le);
        let captured = Math.min(original, bodyEnd - (off + 12));
        if (iface.snaplen > 0) captured = Math.min(captured, iface.snaplen);
        if (iface.linktype !== LINKTYPE_NETLINK) {
          otherLinktypes.add(iface.linktype);
          break;
        }
        out.push(decodePacket(bytes, view, off + 12, captured, original, 0, 0));
        break;
      }
      default:
        break; // name resolution, statistics, custom blocks...: not needed
    }
    off = end;
  }
  if (out.length === 0 && otherLinktypes.size > 0) {
    throw new CaptureFormatError(`no LINKTYPE_NETLINK (${LINKTYPE_NETLINK}) packets: the file's packets are of link type ${[...otherLinktypes].join(', ')}`);
  }
  return out;
}

function align4(n: number): number {
  return n + ((4 - (n % 4)) % 4);
}

/** Walks the options between `off` and `end`, calling `fn` with each option's code, value offset and length. */
function forEachOption(view: DataView, off: number, end: number, le: boolean, fn: (code: number, at: number, len: number) => void): void {
  while (end - off >= 4) {
    const code = view.getUint16(off, le);
    const olen = view.getUint16(off + 2, le);
    if (code === OPT_ENDOFOPT) return;
    if (olen > end - off - 4) throw new CaptureFormatError(`option ${code} of ${olen} bytes runs past the end of its block`, off);
    fn(code, off + 4, olen);
    off += 4 + align4(olen);
  }
}
