/**
 * Netlink captures in the format of the kernel's `nlmon` device: pcap (and pcapng) files of link type
 * LINKTYPE_NETLINK (253), which tcpdump writes and Wireshark/tshark decode with their netlink
 * dissectors.
 *
 * Each packet of that link type is a 16-byte pseudo-header laid out like Linux's "cooked" SLL
 * header (`struct sll_header` of libpcap), every field big-endian, followed by the netlink datagram
 * exactly as it crossed the socket (host byte order):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 2 | packet type (`LINUX_SLL_HOST` 0, `LINUX_SLL_OUTGOING` 4, ...) |
 * | 2 | 2 | ARPHRD type: `ARPHRD_NETLINK` (824) |
 * | 4 | 2 | link-layer address length (0 for nlmon) |
 * | 6 | 8 | link-layer address (zeros) |
 * | 14 | 2 | protocol: the netlink family, such as 0 for NETLINK_ROUTE |
 * | 16 | ... | the netlink datagram (one or more `nlmsghdr` + payload) |
 *
 * @module
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { copyBytes } from '../bytes.js';
import { InvalidArgumentError, RtnetlinkError } from '../errors.js';
import { CAPTURE_FILE_MODE, createCaptureFile } from './output.js';
import { CaptureFormatError, type CaptureDirection, type CapturedDatagram, type CaptureSink } from './types.js';

/** The pcap/pcapng link type of netlink captures (DLT_NETLINK / LINKTYPE_NETLINK). */
export const LINKTYPE_NETLINK = 253;
/** The ARPHRD type of an nlmon device, in the pseudo-header of every LINKTYPE_NETLINK packet. */
export const ARPHRD_NETLINK = 824;
/** Length of the pseudo-header that starts every LINKTYPE_NETLINK packet. */
export const NETLINK_PSEUDO_HEADER_LEN = 16;
/** The snapshot length {@link writePcapHeader} announces by default (the one tcpdump uses). */
export const PCAP_SNAPLEN = 262144;
/** Packet type of a datagram the capturing process received (from the kernel). */
export const LINUX_SLL_HOST = 0;
/** Packet type of a datagram the capturing process sent (to the kernel). */
export const LINUX_SLL_OUTGOING = 4;

// Linux's PACKET_USER / PACKET_KERNEL, which the kernel's netlink tap sets before handing the
// packet to the device (AF_PACKET then reports PACKET_OUTGOING instead, so nlmon files rarely hold
// them; some tools restore them).
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

/** One datagram for {@link encodePcapRecord} or {@link PcapWriter.write}. */
export interface PcapRecordInput {
  /** `sent` to the kernel or `received` from it. */
  direction: CaptureDirection;
  /** The netlink datagram. */
  bytes: Uint8Array;
  /** Seconds since the Unix epoch (microsecond precision is kept). Default: now. */
  timestamp?: number;
  /** The netlink protocol (family) of the socket. Default 0, NETLINK_ROUTE. */
  protocol?: number;
}

/** Options of {@link PcapWriter}. */
export interface PcapWriterOptions {
  /** The netlink protocol written into every packet's pseudo-header when a record does not say. Default 0, NETLINK_ROUTE. */
  protocol?: number;
  /** The snapshot length: longer packets are cut to it (and {@link CapturedDatagram.originalLength} says so on reading). Default {@link PCAP_SNAPLEN}. */
  snaplen?: number;
  /**
   * The mode of a newly created file (less the umask). Default 0o600: a capture holds everything
   * the handle said and heard, so only its owner may read it. An existing file keeps its mode.
   */
  mode?: number;
}

/** The current time in seconds since the Unix epoch, with sub-millisecond precision. */
function nowSeconds(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

function checkSnaplen(snaplen: number): void {
  if (!Number.isInteger(snaplen) || snaplen < NETLINK_PSEUDO_HEADER_LEN || snaplen > 0xffffffff) {
    throw new InvalidArgumentError('snaplen', `must be an integer from ${NETLINK_PSEUDO_HEADER_LEN} to 4294967295, got ${snaplen}`);
  }
}

/**
 * The 24-byte header of a classic pcap file: magic 0xa1b2c3d4 (microsecond timestamps) written
 * little-endian, version 2.4, time zone and accuracy 0, the snapshot length, link type
 * LINKTYPE_NETLINK.
 */
export function writePcapHeader(snaplen: number = PCAP_SNAPLEN): Uint8Array {
  checkSnaplen(snaplen);
  const out = new Uint8Array(PCAP_HEADER_LEN);
  const v = new DataView(out.buffer);
  v.setUint32(0, PCAP_MAGIC_MICRO, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setInt32(8, 0, true); // thiszone
  v.setUint32(12, 0, true); // sigfigs
  v.setUint32(16, snaplen, true);
  v.setUint32(20, LINKTYPE_NETLINK, true);
  return out;
}

/**
 * One pcap record (16-byte record header, the LINKTYPE_NETLINK pseudo-header, the datagram) for a
 * file started with {@link writePcapHeader}. The packet type is {@link LINUX_SLL_OUTGOING} for a
 * `sent` datagram and {@link LINUX_SLL_HOST} for a `received` one; a packet longer than `snaplen`
 * is cut to it, its original length kept in the record header.
 * @throws {@link InvalidArgumentError} for a timestamp outside 0 to 2^32 seconds, a protocol outside
 * 0-65535, or an invalid snaplen.
 */
export function encodePcapRecord(datagram: PcapRecordInput, snaplen: number = PCAP_SNAPLEN): Uint8Array {
  checkSnaplen(snaplen);
  const { direction, bytes } = datagram;
  if (direction !== 'sent' && direction !== 'received') throw new InvalidArgumentError('direction', `must be 'sent' or 'received', got ${String(direction)}`);
  const protocol = datagram.protocol ?? 0;
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 0xffff) throw new InvalidArgumentError('protocol', `must be an integer from 0 to 65535, got ${protocol}`);
  const timestamp = datagram.timestamp ?? nowSeconds();
  if (!Number.isFinite(timestamp) || timestamp < 0 || timestamp >= 2 ** 32) {
    throw new InvalidArgumentError('timestamp', `must be seconds from 0 to 2^32, got ${timestamp}`);
  }
  let sec = Math.floor(timestamp);
  let usec = Math.round((timestamp - sec) * 1e6);
  if (usec >= 1e6) {
    sec += 1;
    usec -= 1e6;
  }
  const wire = NETLINK_PSEUDO_HEADER_LEN + bytes.length;
  const kept = Math.min(wire, snaplen);
  const out = new Uint8Array(PCAP_RECORD_HEADER_LEN + kept);
  const v = new DataView(out.buffer);
  v.setUint32(0, sec >>> 0, true);
  v.setUint32(4, usec, true);
  v.setUint32(8, kept, true);
  v.setUint32(12, wire, true);
  // Pseudo-header, big-endian fields; address length and address stay zero (as nlmon's).
  v.setUint16(16, direction === 'sent' ? LINUX_SLL_OUTGOING : LINUX_SLL_HOST, false);
  v.setUint16(18, ARPHRD_NETLINK, false);
  v.setUint16(30, protocol, false);
  out.set(bytes.subarray(0, kept - NETLINK_PSEUDO_HEADER_LEN), PCAP_RECORD_HEADER_LEN + NETLINK_PSEUDO_HEADER_LEN);
  return out;
}

/**
 * Appends netlink datagrams to a classic pcap file of link type LINKTYPE_NETLINK, with synchronous
 * writes: what was recorded is in the file even if the process dies right after. The file is
 * created (or truncated) and its header written by the constructor: created with mode 0600 by
 * default, never through a symbolic link at the path's last component, and only as a regular file
 * (see {@link createCaptureFile}).
 */
export class PcapWriter implements CaptureSink {
  /** The file's path. */
  readonly path: string;
  readonly #protocol: number;
  readonly #snaplen: number;
  #fd: number | null;
  #records = 0;

  /**
   * Creates (or truncates) `path` and writes the pcap file header.
   * @throws SystemError `open` when the file cannot be created (ELOOP: a symbolic link).
   * @throws {@link InvalidArgumentError} for an invalid option, or a path that is not a regular file.
   */
  constructor(path: string, options: PcapWriterOptions = {}) {
    this.#protocol = options.protocol ?? 0;
    if (!Number.isInteger(this.#protocol) || this.#protocol < 0 || this.#protocol > 0xffff) {
      throw new InvalidArgumentError('protocol', `must be an integer from 0 to 65535, got ${this.#protocol}`);
    }
    this.#snaplen = options.snaplen ?? PCAP_SNAPLEN;
    const header = writePcapHeader(this.#snaplen);
    this.path = path;
    this.#fd = createCaptureFile(path, options.mode ?? CAPTURE_FILE_MODE);
    try {
      writeAll(this.#fd, header);
    } catch (e) {
      fs.closeSync(this.#fd);
      this.#fd = null;
      throw e;
    }
  }

  /** How many records were written. */
  get records(): number {
    return this.#records;
  }

  /** True once {@link PcapWriter.close} has run. */
  get closed(): boolean {
    return this.#fd === null;
  }

  /** Appends one datagram, timestamped now, with the writer's protocol ({@link CaptureSink} method). */
  record(direction: CaptureDirection, bytes: Uint8Array): void {
    this.write({ direction, bytes });
  }

  /**
   * Appends one datagram.
   * @throws {@link RtnetlinkError} after {@link PcapWriter.close}; {@link InvalidArgumentError} for
   * an invalid record; Node's fs errors when the write fails.
   */
  write(datagram: PcapRecordInput): void {
    if (this.#fd === null) throw new RtnetlinkError(`pcap writer for ${this.path} is closed`);
    const record = encodePcapRecord({ ...datagram, protocol: datagram.protocol ?? this.#protocol }, this.#snaplen);
    writeAll(this.#fd, record);
    this.#records++;
  }

  /** Closes the file. Idempotent. */
  close(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

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
export function readCapture(bytes: Uint8Array): CapturedDatagram[] {
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
