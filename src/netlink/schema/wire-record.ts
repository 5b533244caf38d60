// The hidden wire record: what plain keys cannot express about how a decoded object stood on the
// wire (unknown attributes, unusual type flags, repeats out of sequence, non-canonical payloads,
// struct tails, array index types). It is a non-enumerable symbol-keyed property, so the common
// path (nothing unusual) allocates nothing for it.

import { NLA_TYPE_MASK } from '../constants.js';

/** An attribute kept as it came: its type field (with flag bits) and its payload. */
export interface RawAttribute {
  /** Attribute type without flag bits. */
  type: number;
  /** The whole 16-bit type field, flag bits (NLA_F_NESTED, NLA_F_NET_BYTEORDER) included. */
  typeField: number;
  /** The payload, copied out of the received buffer. */
  data: Uint8Array;
}

/** One attribute as it stood on the wire, in a hidden wire record. */
export interface WireEntry {
  /** Key of a known attribute, or `null` for an unknown one. */
  key: string | null;
  typeField: number;
  /** Payload bytes to re-emit verbatim while the value is unchanged (non-canonical or unknown). */
  raw?: Uint8Array;
  /** The decoded value the raw bytes stand for. */
  value?: unknown;
  /** A repeated non-repeatable attribute that a later one overrode: always re-emitted raw. */
  shadowed?: boolean;
}

/** Hidden record of an attribute-set object whose wire form plain keys cannot express. */
export interface SetWireRecord {
  order: WireEntry[];
}

/** Hidden record of a struct whose payload was shorter or longer than the struct. */
export interface StructWireRecord {
  /** The payload's length. */
  length: number;
  /** The bytes after the struct, when the payload was longer. */
  tail?: Uint8Array;
  /** The whole payload, when it was shorter than the struct. */
  head?: Uint8Array;
}

/** Hidden record of an indexed array whose index types were not 0, 1, 2, ... */
export interface ArrayWireRecord {
  types: number[];
}

/** Non-enumerable key of the hidden wire record. */
export const WIRE: unique symbol = Symbol('rtnetlink.wire');

/** An object that may carry a hidden wire record of type `R`. */
export type WithWire<R> = { [WIRE]?: R };

/** Attaches the hidden wire record `record` to `obj`. */
export function setWire(obj: object, record: unknown): void {
  Object.defineProperty(obj, WIRE, { value: record, enumerable: false, configurable: true, writable: true });
}

/**
 * The attributes of a decoded object that its schema did not know, in wire order, with their raw
 * payloads. They are re-encoded byte for byte when the object is encoded again.
 */
export function unknownAttributes(obj: object): RawAttribute[] {
  const rec = (obj as WithWire<SetWireRecord>)[WIRE];
  if (!rec || !('order' in rec)) return [];
  return rec.order
    .filter((e) => e.key === null)
    .map((e) => ({ type: e.typeField & NLA_TYPE_MASK, typeField: e.typeField, data: e.raw ?? new Uint8Array(0) }));
}
