// Netlink message framing (struct nlmsghdr), error and extended-ACK parsing, and message schemas
// (a fixed header struct followed by an attribute set). Pure functions over bytes.

import { Reader, Writer, align4, copyBytes } from './bytes.js';
import {
  NLA_TYPE_MASK,
  NLMSGERR_ATTR_COOKIE,
  NLMSGERR_ATTR_MISS_NEST,
  NLMSGERR_ATTR_MISS_TYPE,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
  NLMSGERR_ATTR_POLICY,
  NLMSG_HDRLEN,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
} from './constants.js';
import { DecodeError, type ExtendedAck } from './errors.js';
import {
  AttrSet,
  Struct,
  isSubMessage,
  string,
  decodeContext,
  encodeContext,
  type AttrSpecs,
  type AttrValues,
  type Codec,
  type DecodeContext,
  type EncodeContext,
  type StructMembers,
  type StructValue,
} from './schema/index.js';
import { objectMaker } from './schema/compile.js';

/** The fields of struct nlmsghdr. */
export interface NetlinkHeader {
  /** nlmsg_len: length of the message including this header. */
  length: number;
  /** nlmsg_type. */
  type: number;
  /** nlmsg_flags. */
  flags: number;
  /** nlmsg_seq. */
  seq: number;
  /** nlmsg_pid: the sender's port id (0 for the kernel in requests). */
  pid: number;
}

/** A message located inside a datagram: its header and where its payload lies. */
export interface MessageView extends NetlinkHeader {
  /** Offset of the nlmsghdr in the datagram. */
  offset: number;
  /** Offset of the payload (right after the header). */
  payloadOffset: number;
  /** Offset just past the payload. */
  end: number;
}

/** Reads the nlmsghdr at `off`. */
export function readHeader(view: DataView, off: number): NetlinkHeader {
  return {
    length: view.getUint32(off, true),
    type: view.getUint16(off + 4, true),
    flags: view.getUint16(off + 6, true),
    seq: view.getUint32(off + 8, true),
    pid: view.getUint32(off + 12, true),
  };
}

/**
 * Splits a datagram into messages, checking each header's length against what is left.
 * @throws {@link DecodeError} for a truncated or inconsistent header.
 */
export function splitMessages(bytes: Uint8Array): MessageView[] {
  const r = new Reader(bytes);
  const out: MessageView[] = [];
  forEachMessage(r, (m) => {
    out.push({ ...m });
  });
  return out;
}

/**
 * Calls `fn` for each message of the datagram in `r`, in order, reusing one view object (copy it to
 * keep it). Stops early when `fn` returns `false`.
 * @throws {@link DecodeError} for a truncated or inconsistent header.
 */
export function forEachMessage(r: Reader, fn: (m: MessageView) => boolean | void): void {
  forEachHeader(r.view, r.buf.length, { length: 0, type: 0, flags: 0, seq: 0, pid: 0, offset: 0, payloadOffset: 0, end: 0 }, fn);
}

/**
 * {@link forEachMessage} over the first `total` bytes of `view`, filling the caller's `m` (which
 * the request engine keeps across datagrams, so that reading replies allocates nothing).
 * @throws {@link DecodeError} for a truncated or inconsistent header.
 */
export function forEachHeader(view: DataView, total: number, m: MessageView, fn: (m: MessageView) => boolean | void): void {
  let off = 0;
  while (off < total) {
    if (total - off < NLMSG_HDRLEN) throw new DecodeError(`${total - off} stray bytes where a message header (16 bytes) should be`, off);
    const len = view.getUint32(off, true);
    if (len < NLMSG_HDRLEN || len > total - off) throw new DecodeError(`message length ${len} does not fit in the ${total - off} bytes left`, off);
    m.length = len;
    m.type = view.getUint16(off + 4, true);
    m.flags = view.getUint16(off + 6, true);
    m.seq = view.getUint32(off + 8, true);
    m.pid = view.getUint32(off + 12, true);
    m.offset = off;
    m.payloadOffset = off + NLMSG_HDRLEN;
    m.end = off + len;
    if (fn(m) === false) return;
    off += align4(len);
  }
}

/** Writes an nlmsghdr followed by a body written by `body`, patching the length. Returns the message's offset. */
export function writeMessage(w: Writer, type: number, flags: number, seq: number, pid: number, body?: (w: Writer) => void): number {
  const at = w.reserve(NLMSG_HDRLEN);
  w.view.setUint16(at + 4, type, true);
  w.view.setUint16(at + 6, flags, true);
  w.view.setUint32(at + 8, seq, true);
  w.view.setUint32(at + 12, pid, true);
  body?.(w);
  w.view.setUint32(at, w.length - at, true);
  w.pad();
  return at;
}

/** The content of an NLMSG_ERROR message (also an ACK when `error` is 0). */
export interface ErrorMessage {
  /** The error code as the kernel sent it: 0 for an ACK, a negative errno otherwise. */
  error: number;
  /** The header of the request this answers. */
  request: NetlinkHeader;
  /** The request's full bytes when the kernel echoed them (not capped), else only its header. */
  requestBytes: Uint8Array;
  /** The extended ACK, when present. */
  extack: ExtendedAck;
}

/**
 * Decodes the payload of an NLMSG_ERROR (struct nlmsgerr + extended-ACK TLVs).
 * `flags` are the error message's own nlmsg_flags (NLM_F_CAPPED, NLM_F_ACK_TLVS).
 */
export function decodeErrorPayload(r: Reader, off: number, end: number, flags: number): ErrorMessage {
  if (end - off < 4 + NLMSG_HDRLEN) throw new DecodeError(`NLMSG_ERROR payload of ${end - off} bytes, need 20`, off);
  const error = r.view.getInt32(off, true);
  const request = readHeader(r.view, off + 4);
  // Without NLM_F_CAPPED the whole request is echoed after the error code.
  const echoed = flags & NLM_F_CAPPED ? NLMSG_HDRLEN : request.length;
  if (echoed < NLMSG_HDRLEN || off + 4 + echoed > end) throw new DecodeError(`echoed request of ${echoed} bytes does not fit`, off + 4);
  const requestBytes = copyBytes(r.buf, off + 4, off + 4 + echoed);
  const tlvStart = off + 4 + align4(echoed);
  const extack = flags & NLM_F_ACK_TLVS ? decodeExtack(r, tlvStart, end) : {};
  return { error, request, requestBytes, extack };
}

/** Decodes the payload of an NLMSG_DONE: the dump's final status and its extended ACK. */
export function decodeDonePayload(r: Reader, off: number, end: number, flags: number): { error: number; extack: ExtendedAck } {
  if (end - off < 4) return { error: 0, extack: {} };
  const error = r.view.getInt32(off, true);
  const extack = flags & NLM_F_ACK_TLVS ? decodeExtack(r, off + 4, end) : {};
  return { error, extack };
}

/** Decodes extended-ACK attributes (NLMSGERR_ATTR_*) between `off` and `end`. */
export function decodeExtack(r: Reader, off: number, end: number): ExtendedAck {
  const ack: ExtendedAck = {};
  while (off + 4 <= end) {
    const len = r.view.getUint16(off, true);
    const type = r.view.getUint16(off + 2, true) & NLA_TYPE_MASK;
    if (len < 4 || off + len > end) throw new DecodeError(`extended-ACK attribute length ${len} does not fit`, off);
    const p = off + 4;
    const plen = len - 4;
    switch (type) {
      case NLMSGERR_ATTR_MSG: {
        const nul = r.buf.subarray(p, p + plen).indexOf(0);
        ack.message = r.buf.toString('utf8', p, nul >= 0 ? p + nul : p + plen);
        break;
      }
      case NLMSGERR_ATTR_OFFS:
        if (plen >= 4) ack.offset = r.view.getUint32(p, true);
        break;
      case NLMSGERR_ATTR_MISS_TYPE:
        if (plen >= 4) ack.missingType = r.view.getUint32(p, true);
        break;
      case NLMSGERR_ATTR_MISS_NEST:
        if (plen >= 4) ack.missingNestOffset = r.view.getUint32(p, true);
        break;
      case NLMSGERR_ATTR_POLICY:
        ack.policy = copyBytes(r.buf, p, p + plen);
        break;
      case NLMSGERR_ATTR_COOKIE:
        ack.cookie = copyBytes(r.buf, p, p + plen);
        break;
      default:
        break;
    }
    off += align4(len);
  }
  return ack;
}

// ---------------------------------------------------------------------------------------------
// Message schemas

/**
 * The schema of one family's messages: a fixed header struct, then attributes. A decoded message is
 * one flat object holding the header's members and the attributes (their keys never collide).
 */
export class MessageSchema<H extends StructMembers, A extends AttrSpecs> {
  /** Keys of the header's members. */
  readonly headerKeys: ReadonlySet<string>;
  #make: (() => Record<string, unknown>) | undefined;
  #checked = false;

  constructor(
    /** The family's name, such as `link`. */
    readonly name: string,
    /** The fixed header (ifinfomsg, ifaddrmsg, rtmsg, ...). */
    readonly header: Struct<H>,
    /** The attributes that follow the header. */
    readonly attrs: AttrSet<A>,
  ) {
    this.headerKeys = new Set(header.keys);
  }

  // Done at the first decode or encode, not at import: checking the keys builds the attribute
  // set's specs (generated sets build them at first use), for each family's messages, which a
  // short process that uses one family should not pay for.
  private check(): void {
    for (const k of this.header.keys) {
      if (this.attrs.entry(k)) throw new Error(`message ${this.name}: header member ${k} collides with an attribute`);
    }
    this.#checked = true;
  }

  // At the first decode: the object maker compiles code (two functions), which encoding does not
  // need (`rtnl link show` encodes its request and decodes the replies with the link decoder).
  private prepare(): () => Record<string, unknown> {
    if (!this.#checked) this.check();
    return (this.#make = objectMaker(this.header.keys));
  }

  /** Decodes a message payload (header struct + attributes) from `off` to `end`. */
  decode(r: Reader, off: number, end: number, ctx: DecodeContext = decodeContext()): MessageValue<H, A> {
    // A context reused across messages starts each one afresh, even after a DecodeError. (Setting
    // an array's length costs more than reading it: the common case only reads.)
    if (ctx.path.length !== 0) ctx.path.length = 0;
    ctx.depth = 0;
    const obj = (this.#make ?? this.prepare())();
    const hlen = this.header.size;
    if (end - off < hlen) throw new DecodeError(`${this.name} message payload of ${end - off} bytes, need ${hlen} for its header`, off);
    this.header.decodeInto(obj, r, off, hlen, ctx, false);
    this.attrs.decodeInto(obj, r, off + align4(hlen), end, ctx);
    return obj as MessageValue<H, A>;
  }

  /** Appends the payload (header struct + attributes) for `value`. */
  encode(w: Writer, value: Partial<MessageValue<H, A>>, ctx: EncodeContext = encodeContext()): void {
    if (!this.#checked) this.check();
    this.header.encodeFrom(w, value as Record<string, unknown>, ctx);
    w.pad();
    this.attrs.encodeFrom(w, value as Record<string, unknown>, ctx, this.headerKeys);
  }

  /**
   * Decodes one whole message payload (the bytes after the 16-byte nlmsghdr), as a pure function
   * over bytes. Throws DecodeError on malformed input.
   */
  fromBytes(payload: Uint8Array): MessageValue<H, A> {
    return this.decode(new Reader(payload), 0, payload.length);
  }

  /**
   * Encodes `value` as a message payload (without the nlmsghdr). A value from {@link fromBytes} or
   * a dump gives the kernel's bytes back, unknown attributes included.
   */
  toBytes(value: Partial<MessageValue<H, A>>): Uint8Array {
    const w = new Writer(256);
    this.encode(w, value);
    return w.take();
  }

  /** The attribute path (names, outermost first) of the attribute at byte `offset` of an encoded message. */
  attributePathAt(message: Uint8Array, offset: number): (string | number)[] {
    const r = new Reader(message);
    const start = NLMSG_HDRLEN + align4(this.header.size);
    return pathAt(r, this.attrs, start, message.length, offset);
  }
}

/** The decoded value of a message: header members and attributes in one object. */
export type MessageValue<H extends StructMembers, A extends AttrSpecs> = StructValue<H> & AttrValues<A>;

/** Defines a message schema. */
export function message<const H extends StructMembers, const A extends AttrSpecs>(name: string, header: Struct<H>, attrs: AttrSet<A>): MessageSchema<H, A> {
  return new MessageSchema(name, header, attrs);
}

// Walks attributes to the one containing `target`, descending into the nests the schema knows:
// attribute sets, sub-messages (their format chosen by a sibling string seen before them, such as
// linkinfo's kind), and codecs that stand for another (`resolve()`).
function pathAt(r: Reader, set: AttrSet<AttrSpecs> | undefined, off: number, end: number, target: number): (string | number)[] {
  const path: (string | number)[] = [];
  let current: AttrSet<AttrSpecs> | undefined = set;
  let siblings: Record<string, string> = {};
  while (off + 4 <= end) {
    const len = r.view.getUint16(off, true);
    if (len < 4 || off + len > end) break;
    const type = r.view.getUint16(off + 2, true) & NLA_TYPE_MASK;
    const key = current?.keyOf(type);
    if (target >= off && target < off + align4(len)) {
      path.push(key ?? type);
      if (target < off + 4) break;
      let codec: Codec<unknown> | undefined = key !== undefined ? current?.entry(key)?.codec : undefined;
      codec = resolveCodec(codec);
      if (codec && isSubMessage(codec)) codec = resolveCodec(codec.formats[siblings[codec.selector] ?? '']);
      current = codec instanceof AttrSet ? (codec as AttrSet<AttrSpecs>) : undefined;
      siblings = {};
      end = off + len;
      off += 4;
      if (current === undefined) break;
      continue;
    }
    if (key !== undefined && current?.entry(key)?.codec === string) {
      const nul = r.buf.subarray(off + 4, off + len).indexOf(0);
      siblings[key] = r.buf.toString('utf8', off + 4, nul >= 0 ? off + 4 + nul : off + len);
    }
    off += align4(len);
  }
  return path;
}

function resolveCodec(codec: Codec<unknown> | undefined): Codec<unknown> | undefined {
  for (let i = 0; i < 4 && codec && typeof (codec as { resolve?: unknown }).resolve === 'function'; i++) {
    codec = (codec as unknown as { resolve(): Codec<unknown> }).resolve();
  }
  return codec;
}

/** The decoded value of the messages of a schema. */
export type SchemaValue<S> = S extends MessageSchema<infer H, infer A> ? MessageValue<H, A> : never;
