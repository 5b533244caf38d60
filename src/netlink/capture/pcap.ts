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
import { closeSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Parser } from 'binary-parser';
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

/** One datagram for {@link PcapWriter.write}. */
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
  /** The snapshot length: longer packets are cut to it (and {@link CapturedDatagram.originalLength} says so on reading). Default 262144 (`PCAP_SNAPLEN`). */
  snaplen?: number;
  /**
   * The mode of a newly created file (less the umask). Default 0o600: a capture holds everything
   * the handle said and heard, so only its owner may read it. An existing file keeps its mode.
   */
  mode?: number;
}

/**
 * A new binary-parser parser. binary-parser is loaded by the first one, not at import: every
 * handle imports this module (for its `capture` option), and loading the package cost each
 * short-lived process (`rtnl link show`) several milliseconds it rarely needs.
 */
function newParser(): Parser {
  parserClass ??= (createRequire(import.meta.url)('binary-parser') as { Parser: typeof Parser }).Parser;
  return new parserClass();
}
let parserClass: typeof Parser | undefined;

/**
 * The current time in seconds since the Unix epoch, with sub-millisecond precision. (The global
 * `performance`: importing node:perf_hooks would load its modules in every process at start-up.)
 */
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
 * (see `createCaptureFile`).
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
      closeSync(this.#fd);
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
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

// ---------------------------------------------------------------------------------------------
// Reading
//
// The container formats (the pcap file and record headers, the pcapng blocks and their options)
// are declared with binary-parser, one set of parsers per byte order: a pcap file has one byte
// order, and each pcapng section announces its own. The loops below check what the formats
// promise (lengths, versions, link types) and turn every failure, the parsers' included, into a
// CaptureFormatError (a DecodeError) with the offset in the file.
//
// Two paths read the same declarations' fields. The run path frames a run of records or blocks
// (up to RUN_BYTES of the file) in ONE call of a compiled parser, an array of records or blocks,
// and the loop then checks each in plain JS: a parser call has a fixed cost (a DataView, a result
// object that binary-parser turns into a dictionary by deleting its `$parent`/`$root`) that a call
// per record, or four per pcapng packet, made slower than hand-written DataView reads. The exact
// path reads one record or block with one small parser per header; it reads every block the run
// path does not take as ordinary (section and interface headers, obsolete and simple packet
// blocks, anything odd), every run whose parser failed (a truncated or inconsistent file: the
// exact path finds the first problem and its offset), and everything where code generation is
// refused. Both paths share the checks that can fail, so a file gives the same datagrams and the
// same error either way.

/** The 24-byte header of a classic pcap file. */
interface PcapFileHeader {
  /** 0xa1b2c3d4 (microsecond timestamps) or 0xa1b23c4d (nanosecond). */
  magic: number;
  /** Version, 2.4. */
  major: number;
  minor: number;
  /** The snapshot length. */
  snaplen: number;
  /** The link type (low 16 bits) and FCS information (upper bits). */
  linktype: number;
}

/** The 16-byte header of a pcap record. */
interface PcapRecordHeader {
  /** Seconds since the epoch. */
  sec: number;
  /** Microseconds or nanoseconds, as the magic says. */
  frac: number;
  /** Bytes in the file. */
  captured: number;
  /** Bytes on the wire. */
  original: number;
}

/** The type and total length that start every pcapng block. */
interface PcapngBlockHeader {
  type: number;
  length: number;
}

/** The fixed part of a pcapng section header block, after type and length. */
interface PcapngSectionHeader {
  byteOrderMagic: number;
  major: number;
  minor: number;
}

/** The fixed part of a pcapng interface description block. */
interface PcapngInterfaceHeader {
  linktype: number;
  snaplen: number;
}

/** The fixed part of a pcapng enhanced (or, with a 16-bit interface id, obsolete) packet block. */
interface PcapngPacketHeader {
  interfaceId: number;
  tsHigh: number;
  tsLow: number;
  captured: number;
  original: number;
}

/** The fixed part of a pcapng simple packet block. */
interface PcapngSimplePacketHeader {
  original: number;
}

/** The header of a pcapng option. */
interface PcapngOptionHeader {
  code: number;
  length: number;
}

/** One binary-parser parser with the shape of what it returns. */
type Reader<T> = (bytes: Uint8Array, offset: number) => T;

/**
 * Whether this process refuses code generation from strings (`node
 * --disallow-code-generation-from-strings`), learned from the first parser binary-parser could
 * not compile: the parsers then run through {@link interpret}.
 */
let codegenRefused = false;

/**
 * Runs a parser: compiled by binary-parser (its `new Function`), or, where that is refused,
 * interpreted from the same declaration. Both read the same fields the same way (a test compares
 * them on the same files).
 */
function runParser(parser: Parser, bytes: Uint8Array): unknown {
  if (!codegenRefused) {
    try {
      return parser.parse(bytes);
    } catch (err) {
      if (!(err instanceof EvalError)) throw err;
      codegenRefused = true;
    }
  }
  return interpret(parser, bytes);
}

/**
 * binary-parser's declaration of a parser, executed step by step without compiling it: the
 * subset the exact path's parsers use (integers of either byte order, `seek` by a number or a
 * field, `saveOffset`). The run parsers are never interpreted: where code generation is refused,
 * everything is read by the exact path. Like the compiled code, reading past the end throws a
 * RangeError.
 */
function interpret(parser: Parser, bytes: Uint8Array): Record<string, unknown> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  const vars: Record<string, unknown> = {};
  for (let p = parser.next; p !== undefined; p = p.next) {
    const le = p.type.endsWith('le');
    switch (p.type) {
      case 'uint8':
        vars[p.varName] = view.getUint8(offset);
        offset += 1;
        break;
      case 'uint16le':
      case 'uint16be':
        vars[p.varName] = view.getUint16(offset, le);
        offset += 2;
        break;
      case 'uint32le':
      case 'uint32be':
        vars[p.varName] = view.getUint32(offset, le);
        offset += 4;
        break;
      case 'int32le':
      case 'int32be':
        vars[p.varName] = view.getInt32(offset, le);
        offset += 4;
        break;
      case 'int64le':
      case 'int64be':
        vars[p.varName] = view.getBigInt64(offset, le);
        offset += 8;
        break;
      case 'seek': {
        const by = p.options.length;
        offset += typeof by === 'number' ? by : typeof by === 'string' ? (vars[by] as number) : 0;
        break;
      }
      case 'saveOffset':
        vars[p.varName] = offset;
        break;
      default:
        throw new Error(`binary-parser type ${p.type} is not interpreted`);
    }
  }
  return vars;
}

/**
 * A typed reader over a binary-parser parser: parses at `offset`, and reports a parser failure
 * (too few bytes, mostly) as a CaptureFormatError at that offset, naming `what`.
 */
function reader<T>(what: string, parser: Parser): Reader<T> {
  const size = parser.sizeOf();
  return (bytes, offset) => {
    const end = offset + size;
    if (end > bytes.length) throw new CaptureFormatError(`${what} truncated: ${Math.max(0, bytes.length - offset)} of ${size} bytes`, offset);
    try {
      return runParser(parser, bytes.subarray(offset, end)) as T;
    } catch (cause) {
      throw new CaptureFormatError(`${what} unreadable: ${cause instanceof Error ? cause.message : String(cause)}`, offset, { cause });
    }
  };
}

/** The container parsers of one byte order. */
interface ContainerReaders {
  pcapFileHeader: Reader<PcapFileHeader>;
  pcapRecordHeader: Reader<PcapRecordHeader>;
  /** The records of a classic pcap file that start in the next {@link runLength} bytes (run path). */
  pcapRecordRun: Parser;
  /** The pcapng blocks that start in the next {@link runLength} bytes (run path). */
  pcapngBlockRun: Parser;
  blockHeader: Reader<PcapngBlockHeader & { magicBe: number }>;
  blockTrailer: Reader<{ length: number }>;
  sectionHeader: Reader<PcapngSectionHeader>;
  interfaceHeader: Reader<PcapngInterfaceHeader>;
  enhancedPacketHeader: Reader<PcapngPacketHeader>;
  obsoletePacketHeader: Reader<PcapngPacketHeader>;
  simplePacketHeader: Reader<PcapngSimplePacketHeader>;
  optionHeader: Reader<PcapngOptionHeader>;
  /** An option header and a 32-bit value after it (epb_flags). */
  option32: Reader<PcapngOptionHeader & { value: number }>;
  u8: Reader<{ value: number }>;
  u32: Reader<{ value: number }>;
  i64: Reader<{ value: bigint }>;
}

/** One pcapng block as the run parser frames it: its fixed part if it is an enhanced packet block. */
interface RunBlock extends PcapngBlockHeader, Partial<PcapngPacketHeader> {
  /** The block's trailing copy of its length. */
  trailer: number;
  /** The code and length of the first option after an enhanced packet block's packet, as one 32-bit word, when 8 bytes are there. */
  optionHeader?: number;
  /** That option's first 4 bytes. */
  optionValue?: number;
  /** The code of the option after that one (0, opt_endofopt, ends the list), when 4 more bytes are there. */
  nextOptionCode?: number;
}

/**
 * Most bytes of records or blocks one run parser call frames: small enough that its result objects
 * die young (in the scavenged generation) and that a run cut short (a section changing byte order)
 * wastes little, large enough to spread the call's own cost over hundreds of small records.
 */
const RUN_BYTES = 256 * 1024;
/** The bytes the next run parser call frames (the parsers' array `lengthInBytes` reads it): set by {@link parseRun}. */
let runLength = 0;

// The functions the run parsers call per block (binary-parser passes the block as `this`).
const currentRunLength = (): number => runLength;
// A block length under 12 would not move the parser forward: stop the run (the exact path names it).
const blockLengthMoves = (length: number | string): boolean => (length as number) >= 12;
/** How much of the options an enhanced packet block's body holds: 2 a first option and the next code, 1 a first option, 0 less. */
function enhancedPacketOptions(this: RunBlock): number {
  const room = this.length - 32 - align4(this.captured ?? 0);
  return room >= 12 ? 2 : room >= 8 ? 1 : 0;
}
function toOptions(this: RunBlock): number {
  return align4(this.captured ?? 0);
}
function backFromOption(this: RunBlock): number {
  return -(align4(this.captured ?? 0) + 8);
}
function backFromNextOption(this: RunBlock): number {
  return -(align4(this.captured ?? 0) + 10);
}

function containerReaders(endian: 'little' | 'big'): ContainerReaders {
  const p = (): Parser => newParser().endianness(endian);
  const enhancedPacketFixed = p()
    .uint32('interfaceId')
    .uint32('tsHigh')
    .uint32('tsLow')
    .uint32('captured')
    .uint32('original')
    // Writers put epb_flags first, often alone: read the first option and the code after it here,
    // then come back.
    .choice({
      tag: enhancedPacketOptions,
      choices: {
        2: p().seek(toOptions).uint32('optionHeader').uint32('optionValue').uint16('nextOptionCode').seek(backFromNextOption),
        1: p().seek(toOptions).uint32('optionHeader').uint32('optionValue').seek(backFromOption),
      },
      defaultChoice: p(),
    })
    .seek(-28);
  const runBlock = p()
    .uint32('type')
    .uint32('length', { assert: blockLengthMoves })
    .choice({ tag: 'type', choices: { [PCAPNG_EPB]: enhancedPacketFixed }, defaultChoice: p().seek(-8) })
    // From the block's start to its trailing length.
    .seek('length')
    .seek(-4)
    .uint32('trailer');
  return {
    pcapFileHeader: reader('pcap file header', p().uint32('magic').uint16('major').uint16('minor').int32('thiszone').uint32('sigfigs').uint32('snaplen').uint32('linktype')),
    pcapRecordHeader: reader('record header', p().uint32('sec').uint32('frac').uint32('captured').uint32('original')),
    pcapRecordRun: p().array('items', {
      lengthInBytes: currentRunLength,
      type: p().uint32('sec').uint32('frac').uint32('captured').uint32('original').seek('captured'),
    }),
    pcapngBlockRun: p().array('items', { lengthInBytes: currentRunLength, type: runBlock }),
    // The first word big-endian as well: a section header block's type reads the same either way.
    blockHeader: reader('block header', p().uint32be('magicBe').seek(-4).uint32('type').uint32('length')),
    blockTrailer: reader('block trailer', p().uint32('length')),
    sectionHeader: reader('section header block', p().seek(8).uint32('byteOrderMagic').uint16('major').uint16('minor').seek(8)),
    interfaceHeader: reader('interface description block', p().seek(8).uint16('linktype').seek(2).uint32('snaplen')),
    enhancedPacketHeader: reader('enhanced packet block', p().seek(8).uint32('interfaceId').uint32('tsHigh').uint32('tsLow').uint32('captured').uint32('original')),
    obsoletePacketHeader: reader('packet block', p().seek(8).uint16('interfaceId').seek(2).uint32('tsHigh').uint32('tsLow').uint32('captured').uint32('original')),
    simplePacketHeader: reader('simple packet block', p().seek(8).uint32('original')),
    optionHeader: reader('option header', p().uint16('code').uint16('length')),
    option32: reader('option', p().uint16('code').uint16('length').uint32('value')),
    u8: reader('option value', p().uint8('value')),
    u32: reader('option value', p().uint32('value')),
    i64: reader('option value', p().int64('value')),
  };
}

/**
 * The records or blocks that start in `bytes[off, off + length)`, framed by one call of a run
 * parser; undefined when the parser failed (a record or block runs past the end of the file, a
 * block length under 12, a section in the other byte order) or code generation is refused: the
 * caller then reads those bytes by the exact path.
 */
function parseRun<T>(parser: Parser, bytes: Uint8Array, off: number, length: number): T[] | undefined {
  if (codegenRefused) return undefined;
  runLength = length;
  try {
    return (parser.parse(bytes.subarray(off)) as { items: T[] }).items;
  } catch (err) {
    if (err instanceof EvalError) codegenRefused = true;
    return undefined;
  }
}

// Built on the first read, not at import: every program that imports the library (the `rtnl`
// command included) would otherwise pay for declaring some thirty parsers it may never use.
let little: ContainerReaders | undefined;
let big: ContainerReaders | undefined;
const readersOf = (le: boolean): ContainerReaders => (le ? (little ??= containerReaders('little')) : (big ??= containerReaders('big')));

let magicReader: Reader<{ be: number; le: number }> | undefined;
const readMagic: Reader<{ be: number; le: number }> = (bytes, offset) =>
  (magicReader ??= reader<{ be: number; le: number }>('file magic', newParser().uint32be('be').seek(-4).uint32le('le')))(bytes, offset);

/**
 * The datagrams found in a file, and for each the facts its direction is settled from once the
 * whole file is read (it may depend on every packet): kept beside the datagrams rather than in
 * per-packet objects, so that reading allocates one object per datagram.
 */
class Packets {
  readonly datagrams: CapturedDatagram[] = [];
  /** The pseudo-header's packet type of each datagram. */
  readonly packetTypes: number[] = [];
  /** From pcapng's epb_flags: 1 inbound, 2 outbound, 0 unknown. */
  readonly flagsDirections: number[] = [];
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
 * @returns The datagrams in file order, their bytes copied out of `file` (plain Uint8Arrays).
 * @throws {@link CaptureFormatError} (a {@link DecodeError} with the offset in the file) for
 * anything else: an unknown magic, a truncated or inconsistent header, record or block, a link type
 * other than LINKTYPE_NETLINK, a packet without the 16-byte pseudo-header or whose ARPHRD type is
 * not ARPHRD_NETLINK.
 */
export function readCapture(file: Uint8Array): CapturedDatagram[] {
  if (!(file instanceof Uint8Array)) throw new CaptureFormatError('a capture must be given as a Uint8Array');
  if (file.length < 4) throw new CaptureFormatError(`${file.length} bytes are too few for a capture file`, 0);
  // A plain Uint8Array over the same memory (a Buffer's or a subclass's `slice` and `subarray` would
  // make Buffers): the datagrams' copies are plain Uint8Arrays.
  const bytes = file.constructor === Uint8Array ? file : new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const { be, le } = readMagic(bytes, 0);
  const packets = new Packets();
  if (be === PCAPNG_SHB) readPcapng(bytes, packets);
  else if (le === PCAP_MAGIC_MICRO || le === PCAP_MAGIC_NANO) readPcap(bytes, true, le === PCAP_MAGIC_NANO, packets);
  else if (be === PCAP_MAGIC_MICRO || be === PCAP_MAGIC_NANO) readPcap(bytes, false, be === PCAP_MAGIC_NANO, packets);
  else throw new CaptureFormatError(`not a pcap or pcapng file: it starts with 0x${be.toString(16).padStart(8, '0')}`, 0);

  const { datagrams, packetTypes, flagsDirections } = packets;
  const hostTypes = packetTypes.some((t) => t <= 3);
  for (let i = 0; i < datagrams.length; i++) datagrams[i].direction = directionOf(packetTypes[i], flagsDirections[i], datagrams[i].bytes, hostTypes);
  return datagrams;
}

function directionOf(packetType: number, flagsDirection: number, b: Uint8Array, hostTypes: boolean): CaptureDirection {
  if (flagsDirection === 1) return 'received';
  if (flagsDirection === 2) return 'sent';
  if (packetType <= 3 || packetType === PACKET_USER) return 'received';
  if (packetType === PACKET_KERNEL) return 'sent';
  if (packetType === LINUX_SLL_OUTGOING && hostTypes) return 'sent';
  // nlmon through AF_PACKET: every packet is "outgoing". Requests carry NLM_F_REQUEST, the
  // kernel's messages never do.
  return b.length >= 16 && ((b[6] | (b[7] << 8)) & NLM_F_REQUEST) !== 0 ? 'sent' : 'received';
}

/**
 * A copy of `bytes[start, end)`. Measured on this Node (v20): `slice` copies a short datagram in
 * one allocation, faster than a new array and `set`; from about 16 KiB (dump replies are 32 KiB)
 * `set` copies faster.
 */
function copyOut(bytes: Uint8Array, start: number, end: number): Uint8Array {
  if (end - start < 16384) return bytes.slice(start, end);
  const out = new Uint8Array(end - start);
  out.set(bytes.subarray(start, end));
  return out;
}

/**
 * Splits one LINKTYPE_NETLINK packet (at `start` in the file) into its pseudo-header's fields and a
 * copy of the datagram. The pseudo-header is the packet's link-layer header, not the container's:
 * three big-endian fields read where they are.
 */
function decodePacket(out: Packets, bytes: Uint8Array, start: number, captured: number, original: number, timestamp: number, flagsDirection: number): void {
  if (captured < NETLINK_PSEUDO_HEADER_LEN) {
    throw new CaptureFormatError(`packet of ${captured} bytes is shorter than the ${NETLINK_PSEUDO_HEADER_LEN}-byte LINKTYPE_NETLINK header`, start);
  }
  const hatype = (bytes[start + 2] << 8) | bytes[start + 3];
  if (hatype !== ARPHRD_NETLINK) {
    throw new CaptureFormatError(`packet's ARPHRD type is ${hatype}, not ARPHRD_NETLINK (${ARPHRD_NETLINK})`, start + 2);
  }
  // The direction is settled by readCapture once every packet is known.
  const d: CapturedDatagram = { direction: 'received', protocol: (bytes[start + 14] << 8) | bytes[start + 15], timestamp, bytes: copyOut(bytes, start + NETLINK_PSEUDO_HEADER_LEN, start + captured) };
  if (original > captured) d.originalLength = original - NETLINK_PSEUDO_HEADER_LEN;
  out.datagrams.push(d);
  out.packetTypes.push((bytes[start] << 8) | bytes[start + 1]);
  out.flagsDirections.push(flagsDirection);
}

function readPcap(bytes: Uint8Array, le: boolean, nano: boolean, out: Packets): void {
  const r = readersOf(le);
  const header = r.pcapFileHeader(bytes, 0);
  if (header.major !== 2) throw new CaptureFormatError(`unsupported pcap version ${header.major}.${header.minor}`, 4);
  const linktype = header.linktype & 0xffff; // the upper bits may carry FCS information
  if (linktype !== LINKTYPE_NETLINK) {
    throw new CaptureFormatError(`link type ${linktype} is not LINKTYPE_NETLINK (${LINKTYPE_NETLINK})`, 20);
  }
  const units = nano ? 1e9 : 1e6;
  const n = bytes.length;
  let off = PCAP_HEADER_LEN;
  while (off < n) {
    const end = Math.min(n, off + RUN_BYTES);
    const records = parseRun<PcapRecordHeader>(r.pcapRecordRun, bytes, off, end - off);
    if (records === undefined) {
      // A record header cut by the end of the file, or no code generation: one record at a time.
      while (off < end) {
        const rec = r.pcapRecordHeader(bytes, off);
        off = pcapRecord(out, bytes, off, rec, units);
      }
      continue;
    }
    for (let i = 0; i < records.length; i++) off = pcapRecord(out, bytes, off, records[i], units);
  }
}

/** One pcap record whose header (at `off`) says `rec`; returns the offset of the next record. */
function pcapRecord(out: Packets, bytes: Uint8Array, off: number, rec: PcapRecordHeader, units: number): number {
  const start = off + PCAP_RECORD_HEADER_LEN;
  if (rec.captured > bytes.length - start) throw new CaptureFormatError(`record of ${rec.captured} bytes runs past the end of the file (${bytes.length - start} bytes left)`, off + 8);
  decodePacket(out, bytes, start, rec.captured, rec.original, rec.sec + rec.frac / units, 0);
  return start + rec.captured;
}

interface PcapngInterface {
  linktype: number;
  snaplen: number;
  /** Timestamp units per second. */
  units: number;
  /** if_tsoffset, in seconds. */
  offset: number;
}

/** What a pcapng file has said so far: the current section's byte order and interfaces. */
interface PcapngState {
  /** The parsers of the current section's byte order. */
  r: ContainerReaders;
  interfaces: PcapngInterface[];
  /** Link types of the packets skipped because they are not netlink. */
  otherLinktypes: Set<number>;
  /** The code and length of a 4-byte epb_flags option read as one 32-bit word in this section's byte order. */
  epbFlagsHeader: number;
}

/** The code and length of a 4-byte epb_flags option read as one 32-bit word in either byte order. */
const epbFlagsHeader = (r: ContainerReaders): number => (r === readersOf(true) ? OPT_EPB_FLAGS | (4 << 16) : (OPT_EPB_FLAGS << 16) | 4);

function readPcapng(bytes: Uint8Array, out: Packets): void {
  const n = bytes.length;
  const s: PcapngState = { r: readersOf(true), interfaces: [], otherLinktypes: new Set(), epbFlagsHeader: 0 };
  // The file starts with a section header block (its magic was checked), which settles the byte order.
  let off = pcapngBlock(s, bytes, 0, out);
  let runBytes = RUN_BYTES;
  while (off < n) {
    const end = Math.min(n, off + runBytes);
    const blocks = parseRun<RunBlock>(s.r.pcapngBlockRun, bytes, off, end - off);
    if (blocks === undefined) {
      while (off < end) off = pcapngBlock(s, bytes, off, out);
      continue;
    }
    const from = off;
    const r = s.r;
    let i = 0;
    for (; i < blocks.length; i++) {
      const b = blocks[i];
      if (ordinaryPacketBlock(s, bytes, off, b, out)) {
        off += b.length;
        continue;
      }
      off = pcapngBlock(s, bytes, off, out);
      // A section in the other byte order: the rest of this run was framed wrongly.
      if (s.r !== r) break;
    }
    // A run cut short wasted the parsing of its rest: keep the next one at most twice as long as what
    // this one read, so that a file of many short sections is still read in linear time.
    runBytes = i < blocks.length ? Math.max(1024, Math.min(RUN_BYTES, 2 * (off - from))) : Math.min(RUN_BYTES, 2 * runBytes);
  }
  if (out.datagrams.length === 0 && s.otherLinktypes.size > 0) {
    throw new CaptureFormatError(`no LINKTYPE_NETLINK (${LINKTYPE_NETLINK}) packets: the file's packets are of link type ${[...s.otherLinktypes].join(', ')}`);
  }
}

/**
 * Reads the enhanced packet block at `off` from what the run parser framed, if it is an ordinary
 * one: consistent lengths and an interface the section describes. Returns false, having read
 * nothing, for any other block: the exact path reads it (and names what is wrong with it).
 */
function ordinaryPacketBlock(s: PcapngState, bytes: Uint8Array, off: number, b: RunBlock, out: Packets): boolean {
  const len = b.length;
  if (b.type !== PCAPNG_EPB || len % 4 !== 0 || len > bytes.length - off || b.trailer !== len || len < 32) return false;
  const iface = s.interfaces[b.interfaceId!];
  const captured = b.captured!;
  if (iface === undefined || captured > len - 32) return false;
  let flagsDirection = 0;
  let at = off + 28 + align4(captured);
  if (b.optionHeader === s.epbFlagsHeader) {
    flagsDirection = b.optionValue! & 3;
    // epb_flags alone, or followed by opt_endofopt: no options to walk.
    at = b.nextOptionCode === undefined || b.nextOptionCode === OPT_ENDOFOPT ? off + len - 4 : at + 8;
  }
  packetBlockRest(s, bytes, off, len, at, b.tsHigh!, b.tsLow!, captured, b.original!, iface, flagsDirection, out);
  return true;
}

/**
 * The part of an enhanced packet block both paths read alike: its options from `at` (after
 * epb_flags if that came first), then its packet.
 */
function packetBlockRest(
  s: PcapngState,
  bytes: Uint8Array,
  off: number,
  len: number,
  at: number,
  tsHigh: number,
  tsLow: number,
  captured: number,
  original: number,
  iface: PcapngInterface,
  flagsDirection: number,
  out: Packets,
): void {
  const bodyEnd = off + len - 4;
  if (bodyEnd - at >= 4) {
    forEachOption(s.r, bytes, at, bodyEnd, (code, at, olen) => {
      if (code === OPT_EPB_FLAGS && olen >= 4) flagsDirection = s.r.u32(bytes, at).value & 3;
    });
  }
  if (iface.linktype !== LINKTYPE_NETLINK) {
    s.otherLinktypes.add(iface.linktype);
    return;
  }
  decodePacket(out, bytes, off + 28, captured, original, (tsHigh * 4294967296 + tsLow) / iface.units + iface.offset, flagsDirection);
}

/** The exact path: reads the block at `off` one header at a time, and returns the offset of the next block. */
function pcapngBlock(s: PcapngState, bytes: Uint8Array, off: number, out: Packets): number {
  const n = bytes.length;
  if (n - off < 12) throw new CaptureFormatError(`block header truncated: ${n - off} bytes left`, off);
  let r = s.r;
  const head = r.blockHeader(bytes, off);
  let type = head.type;
  let len = head.length;
  if (head.magicBe === PCAPNG_SHB) {
    // A section's byte order is only known from its byte-order magic; it holds for the section.
    type = PCAPNG_SHB;
    const LITTLE = readersOf(true);
    const BIG = readersOf(false);
    const bom = LITTLE.u32(bytes, off + 8).value;
    if (bom === PCAPNG_BYTE_ORDER_MAGIC) r = LITTLE;
    else if (BIG.u32(bytes, off + 8).value === PCAPNG_BYTE_ORDER_MAGIC) r = BIG;
    else throw new CaptureFormatError(`section header's byte-order magic is 0x${bom.toString(16)}, not 0x1a2b3c4d`, off + 8);
    s.r = r;
    s.epbFlagsHeader = epbFlagsHeader(r);
    len = r.blockHeader(bytes, off).length;
  }
  if (len < 12 || len % 4 !== 0) throw new CaptureFormatError(`block length ${len} is not a multiple of 4 of at least 12`, off + 4);
  if (len > n - off) throw new CaptureFormatError(`block of ${len} bytes runs past the end of the file (${n - off} bytes left)`, off + 4);
  const end = off + len;
  const trailing = r.blockTrailer(bytes, end - 4).length;
  if (trailing !== len) throw new CaptureFormatError(`block's trailing length ${trailing} differs from its length ${len}`, end - 4);
  const bodyEnd = end - 4;
  // The block's own bytes: a fixed part longer than the block is a truncated block.
  const block = bytes.subarray(0, bodyEnd);

  switch (type) {
    case PCAPNG_SHB: {
      if (len < 28) throw new CaptureFormatError(`section header block of ${len} bytes, need 28`, off);
      const shb = r.sectionHeader(block, off);
      if (shb.major !== 1) throw new CaptureFormatError(`unsupported pcapng version ${shb.major}.${shb.minor}`, off + 12);
      s.interfaces = [];
      break;
    }
    case PCAPNG_IDB: {
      if (len < 20) throw new CaptureFormatError(`interface description block of ${len} bytes, need 20`, off);
      const idb = r.interfaceHeader(block, off);
      const iface: PcapngInterface = { linktype: idb.linktype, snaplen: idb.snaplen, units: 1e6, offset: 0 };
      forEachOption(r, bytes, off + 16, bodyEnd, (code, at, olen) => {
        if (code === OPT_IF_TSRESOL && olen >= 1) {
          const res = r.u8(bytes, at).value;
          iface.units = res & 0x80 ? 2 ** (res & 0x7f) : 10 ** res;
        } else if (code === OPT_IF_TSOFFSET && olen >= 8) {
          iface.offset = Number(r.i64(bytes, at).value);
        }
      });
      s.interfaces.push(iface);
      break;
    }
    case PCAPNG_EPB:
    case PCAPNG_OPB: {
      if (len < 32) throw new CaptureFormatError(`packet block of ${len} bytes, need 32`, off);
      const pb = type === PCAPNG_EPB ? r.enhancedPacketHeader(block, off) : r.obsoletePacketHeader(block, off);
      const iface = s.interfaces[pb.interfaceId];
      if (!iface) throw new CaptureFormatError(`packet of interface ${pb.interfaceId}, but the section describes ${s.interfaces.length}`, off + 8);
      const start = off + 28;
      if (pb.captured > bodyEnd - start) throw new CaptureFormatError(`packet of ${pb.captured} bytes does not fit in its block`, off + 20);
      let flagsDirection = 0;
      let at = start + align4(pb.captured);
      if (type === PCAPNG_EPB) {
        // epb_flags first, as writers put it, in one read; then the general walk.
        if (bodyEnd - at >= 8) {
          const o = r.option32(bytes, at);
          if (o.code === OPT_EPB_FLAGS && o.length === 4) {
            flagsDirection = o.value & 3;
            at += 8;
          }
        }
      } else {
        at = bodyEnd; // an obsolete packet block's options carry no direction
      }
      packetBlockRest(s, bytes, off, len, at, pb.tsHigh, pb.tsLow, pb.captured, pb.original, iface, flagsDirection, out);
      break;
    }
    case PCAPNG_SPB: {
      if (len < 16) throw new CaptureFormatError(`simple packet block of ${len} bytes, need 16`, off);
      const iface = s.interfaces[0];
      if (!iface) throw new CaptureFormatError('simple packet block in a section that describes no interface', off);
      const original = r.simplePacketHeader(block, off).original;
      let captured = Math.min(original, bodyEnd - (off + 12));
      if (iface.snaplen > 0) captured = Math.min(captured, iface.snaplen);
      if (iface.linktype !== LINKTYPE_NETLINK) {
        s.otherLinktypes.add(iface.linktype);
        break;
      }
      decodePacket(out, bytes, off + 12, captured, original, 0, 0);
      break;
    }
    default:
      break; // name resolution, statistics, custom blocks...: not needed
  }
  return end;
}

function align4(n: number): number {
  return n + ((4 - (n % 4)) % 4);
}

/** Walks the options between `off` and `end`, calling `fn` with each option's code, value offset and length. */
function forEachOption(r: ContainerReaders, bytes: Uint8Array, off: number, end: number, fn: (code: number, at: number, len: number) => void): void {
  while (end - off >= 4) {
    const { code, length } = r.optionHeader(bytes, off);
    if (code === OPT_ENDOFOPT) return;
    if (length > end - off - 4) throw new CaptureFormatError(`option ${code} of ${length} bytes runs past the end of its block`, off);
    fn(code, off + 4, length);
    off += 4 + align4(length);
  }
}
