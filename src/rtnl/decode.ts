// Decoding captured datagrams message by message with the library's schemas: what `rtnl decode`
// prints, and what a user inspecting a capture needs without touching byte readers.

import { Reader } from '../netlink/bytes.js';
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN } from '../netlink/constants.js';
import { errnoName, errnoText, type ExtendedAck } from '../netlink/errors.js';
import { decodeDonePayload, decodeErrorPayload, forEachMessage } from '../netlink/message.js';
import { unknownAttributes, type RawAttribute } from '../netlink/schema/index.js';
import { RTM_TYPE_NAMES, schemaForType } from './registry.js';

/** An errno as a decoded message reports it. */
export interface DecodedErrno {
  /** The errno, positive (`17`). */
  errno: number;
  /** Its name (`EEXIST`). */
  code: string;
  /** Its text (`File exists`). */
  text: string;
}

/** The request an NLMSG_ERROR answers, as far as the kernel echoes it. */
export interface DecodedRequestHeader {
  /** Its type by name (`RTM_NEWLINK`), or its number as text. */
  type: string;
  /** Its flags by name. */
  flags: string[];
  /** Its sequence number. */
  seq: number;
}

/** One netlink message of a datagram, decoded. */
export interface DecodedMessage {
  /** The message type by name (`RTM_NEWROUTE`, `NLMSG_ERROR`), or its number as text. */
  type: string;
  /** nlmsg_flags by name (the high bits' names depend on the type); unnamed bits as `0x...`. */
  flags: string[];
  /** nlmsg_seq. */
  seq: number;
  /** nlmsg_pid: the sender's port id (0: the kernel). */
  pid: number;
  /** nlmsg_len. */
  length: number;
  /** For NLMSG_ERROR: true when it is an ACK (error 0). */
  ack?: boolean;
  /** For NLMSG_ERROR and NLMSG_DONE: the error, when there is one. */
  error?: DecodedErrno;
  /** For NLMSG_ERROR: the request it answers. */
  request?: DecodedRequestHeader;
  /** The extended ACK, when the kernel sent one. */
  extack?: ExtendedAck;
  /** The decoded wire message, for the types this library knows. */
  object?: unknown;
  /** Attributes the schema does not know, kept as they were. */
  unknownAttributes?: RawAttribute[];
  /** The payload's bytes, when they could not be decoded (or the type is not known). */
  payload?: Uint8Array;
  /** Why the payload could not be decoded. */
  decodeError?: string;
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

/** The name of a message type: NLMSG_* or RTM_* (NETLINK_ROUTE, protocol 0, only), else its number. */
export function messageTypeName(type: number, protocol = 0): string {
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

const errnoOf = (e: number): DecodedErrno => ({ errno: e, code: errnoName(e), text: errnoText(e) });
const hasExtack = (e: ExtendedAck): boolean => Object.values(e).some((v) => v !== undefined);

/**
 * Decodes every message of one datagram (of netlink protocol `protocol`; 0 is NETLINK_ROUTE, the
 * only one whose payloads are decoded). Never throws: what cannot be decoded is reported in the
 * message (`decodeError` with the `payload` bytes), and a datagram cut short ends with a message
 * of type `''` holding the rest.
 */
export function decodeDatagram(bytes: Uint8Array, protocol = 0): DecodedMessage[] {
  const out: DecodedMessage[] = [];
  const r = new Reader(bytes);
  let done = 0;
  try {
    forEachMessage(r, (m) => {
      const o: DecodedMessage = { type: messageTypeName(m.type, protocol), flags: messageFlagNames(m.type, m.flags), seq: m.seq, pid: m.pid, length: m.length };
      const payload = (): Uint8Array => bytes.slice(m.payloadOffset, m.end);
      try {
        if (m.type === NLMSG_ERROR) {
          const e = decodeErrorPayload(r, m.payloadOffset, m.end, m.flags);
          if (e.error === 0) o.ack = true;
          else o.error = errnoOf(-e.error);
          o.request = { type: messageTypeName(e.request.type, protocol), flags: messageFlagNames(e.request.type, e.request.flags), seq: e.request.seq };
          if (hasExtack(e.extack)) o.extack = e.extack;
        } else if (m.type === NLMSG_DONE) {
          const d = decodeDonePayload(r, m.payloadOffset, m.end, m.flags);
          if (d.error !== 0) o.error = errnoOf(-d.error);
          if (hasExtack(d.extack)) o.extack = d.extack;
        } else if (m.type >= 16) {
          const schema = protocol === 0 ? schemaForType(m.type) : undefined;
          if (schema) {
            const value = schema.decode(r, m.payloadOffset, m.end);
            o.object = value;
            const unknown = unknownAttributes(value);
            if (unknown.length > 0) o.unknownAttributes = unknown;
          } else {
            o.payload = payload();
          }
        }
      } catch (err) {
        o.decodeError = err instanceof Error ? err.message : String(err);
        o.payload = payload();
      }
      out.push(o);
      done = m.end + ((4 - (m.end & 3)) & 3);
    });
  } catch (err) {
    // A datagram cut short by the capture, or not netlink at all: what is left, as bytes.
    out.push({ type: '', flags: [], seq: 0, pid: 0, length: 0, decodeError: err instanceof Error ? err.message : String(err), payload: bytes.slice(Math.min(done, bytes.length)) });
  }
  return out;
}
