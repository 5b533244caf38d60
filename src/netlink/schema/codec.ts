// The codec contract every schema piece implements, the decode/encode contexts carried through one
// call, and the entry points that run a codec over bytes.

import { Reader, Writer } from '../bytes.js';
import { DecodeError, InvalidArgumentError } from '../errors.js';

/** A path of attribute names (or numbers for unknown ones), outermost first. */
export type AttrPath = (string | number)[];

/** State carried through one decode call. */
export interface DecodeContext {
  /** Where the decoder is, for errors. */
  path: AttrPath;
  /** Set by a codec when the bytes it decoded are not what its encoder would write for the same value. */
  nonCanonical: boolean;
  /** How many nested payloads (nests, indexed arrays, sub-messages) enclose the decoder. */
  depth: number;
}

/**
 * The deepest nesting decoded: the kernel's own limit (MAX_POLICY_RECURSION_DEPTH in
 * lib/nlattr.c) for the nests it parses. Every captured fixture nests at most 3 deep (link info of
 * a veth peer). Deeper input is refused with a DecodeError rather than decoded at the cost of a
 * stack frame per level. A lazily decoded attribute counts its levels from 0 when it is read.
 */
export const MAX_NESTING = 10;

/** The DecodeError for a payload nested deeper than {@link MAX_NESTING}. */
export function tooDeep(off: number, ctx: DecodeContext): DecodeError {
  return new DecodeError(`nested more than ${MAX_NESTING} levels deep (the kernel's limit)`, off, [...ctx.path]);
}

/** State carried through one encode call. */
export interface EncodeContext {
  /** Where the encoder is, for errors. */
  path: AttrPath;
}

/** How one attribute payload (or one struct member) maps to a value of type `T`. */
export interface Codec<T> {
  /** Short name of the codec, such as `u32` or `nest(link-attrs)`. */
  readonly kind: string;
  /** The payload size in bytes when it is fixed (integers, structs). */
  readonly size?: number;
  /**
   * For fixed-size codecs whose decoding is an expression: JS source reading the value from a
   * DataView named `view` at offset expression `off`, for the compiled decoders to inline. `dep`
   * registers a value the expression uses and returns the name to use it by.
   */
  readonly inline?: (view: string, off: string, dep: (value: unknown) => string) => string;
  /** Decodes `len` bytes at `off`; `parent` is the object the attribute is decoded into. */
  decode(r: Reader, off: number, len: number, ctx: DecodeContext, parent?: Record<string, unknown>): T;
  /** Appends the payload for `value` (without attribute header or padding). */
  encode(w: Writer, value: T, ctx: EncodeContext, parent?: Record<string, unknown>): void;
}

/** A sub-message codec: which sibling selects the format, and the formats by selector value. */
export interface SubMessageCodec<T> extends Codec<T> {
  /** The key of the sibling attribute whose value selects the format. */
  readonly selector: string;
  /** The formats by selector value. */
  readonly formats: Readonly<Record<string, Codec<unknown>>>;
}

/** Whether a codec is a sub-message codec (for tools walking a schema). */
export function isSubMessage(codec: Codec<unknown>): codec is SubMessageCodec<unknown> {
  return typeof (codec as Partial<SubMessageCodec<unknown>>).selector === 'string' && typeof (codec as Partial<SubMessageCodec<unknown>>).formats === 'object';
}

/** The value type a codec decodes to. */
export type ValueOf<C> = C extends Codec<infer T> ? T : never;


/** A DecodeError for a payload shorter than `need` bytes. */
export function truncated(what: string, off: number, ctx: DecodeContext, len: number, need: number): DecodeError {
  return new DecodeError(`${what}: payload of ${len} bytes, need ${need}`, off, [...ctx.path]);
}

/** An InvalidArgumentError naming the value being encoded. */
export function badValue(ctx: EncodeContext, reason: string): InvalidArgumentError {
  return new InvalidArgumentError(ctx.path.join('.') || '(value)', reason);
}

/** Creates a fresh decode context. */
export function decodeContext(): DecodeContext {
  return { path: [], nonCanonical: false, depth: 0 };
}

/** Creates a fresh encode context. */
export function encodeContext(): EncodeContext {
  return { path: [] };
}

/** Decodes a complete payload with `codec`, as a pure function over bytes. */
export function decodeWith<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const r = new Reader(bytes);
  return codec.decode(r, 0, bytes.length, decodeContext());
}

/** Encodes `value` with `codec` into fresh bytes. */
export function encodeWith<T>(codec: Codec<T>, value: T): Uint8Array {
  const w = new Writer(256);
  codec.encode(w, value, encodeContext());
  return w.take();
}
