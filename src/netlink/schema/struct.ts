// Fixed C structs: members at fixed offsets, padding, and payloads of another length than the
// struct (a longer one keeps its tail, a shorter one decodes the members it holds).

import { copyBytes, type Reader, type Writer } from '../bytes.js';
import { badValue, truncated, type Codec, type DecodeContext, type EncodeContext } from './codec.js';
import { compileStruct, decoderMode, type StructDecoder, type StructField } from './compile.js';
import { WIRE, setWire, type StructWireRecord, type WithWire } from './wire-record.js';

/** One member of a struct: a fixed-size codec, or a number of padding bytes. */
export type StructMember = Codec<unknown> | number;

/** Struct members by name, in memory order; numeric members are padding. */
export type StructMembers = Readonly<Record<string, StructMember>>;

/** The decoded value of a struct with members `M` (padding members omitted). */
export type StructValue<M extends StructMembers> = {
  -readonly [K in keyof M as M[K] extends number ? never : K]: M[K] extends Codec<infer T> ? T : never;
};

/**
 * A fixed C struct. A payload longer than the struct keeps its tail bytes; a shorter one (an older
 * kernel) decodes the members it holds. Both re-encode byte for byte.
 */
export class Struct<M extends StructMembers> implements Codec<StructValue<M>> {
  readonly size: number;
  private readonly fields: StructField[] = [];

  constructor(
    /** The struct's name, for errors and docs. */
    readonly name: string,
    members: M,
  ) {
    let off = 0;
    for (const key in members) {
      if (!Object.hasOwn(members, key)) continue;
      const m = members[key];
      if (typeof m === 'number') {
        off += m;
        continue;
      }
      if (m.size === undefined) throw new Error(`struct ${name}: member ${key} has no fixed size`);
      this.fields.push({ name: key, codec: m, offset: off });
      off += m.size;
    }
    this.size = off;
  }

  /** What errors name the struct by: `struct(NAME)`. */
  get kind(): string {
    return `struct(${this.name})`;
  }

  /** The member names, in memory order. */
  get keys(): string[] {
    return this.fields.map((f) => f.name);
  }

  decode(r: Reader, off: number, len: number, ctx: DecodeContext): StructValue<M> {
    const obj: Record<string, unknown> = {};
    this.decodeInto(obj, r, off, len, ctx, true);
    return obj as StructValue<M>;
  }

  /**
   * Decodes the struct's members into `obj`. With `keepTail`, a payload of another size is
   * recorded so that it re-encodes exactly; message headers pass false (attributes follow them).
   */
  decodeInto(obj: Record<string, unknown>, r: Reader, off: number, len: number, ctx: DecodeContext, keepTail: boolean): void {
    const fields = this.fields;
    if (len >= this.size) {
      if (decoderMode.compiled && (this.fast !== undefined || ++this.generic > decoderMode.after)) (this.fast ??= compileStruct(fields))(obj, r, off, ctx);
      else for (const f of fields) obj[f.name] = f.codec.decode(r, off + f.offset, f.codec.size as number, ctx);
      if (keepTail && len > this.size) setWire(obj, { length: len, tail: copyBytes(r.buf, off + this.size, off + len) } satisfies StructWireRecord);
      return;
    }
    if (!keepTail) throw truncated(this.kind, off, ctx, len, this.size);
    for (const f of fields) {
      if (f.offset + (f.codec.size as number) > len) break;
      obj[f.name] = f.codec.decode(r, off + f.offset, f.codec.size as number, ctx);
    }
    // The bytes of a member cut short have no value to hold them: they are kept as they came.
    setWire(obj, { length: len, head: copyBytes(r.buf, off, off + len) } satisfies StructWireRecord);
  }

  private fast?: StructDecoder;
  // Values decoded by the generic decoder while there was no compiled one (see decoderMode.after).
  private generic = 0;

  encode(w: Writer, value: StructValue<M>, ctx: EncodeContext): void {
    this.encodeFrom(w, value as Record<string, unknown>, ctx);
  }

  /** Encodes the struct from the members found in `obj` (missing members are zero). */
  encodeFrom(w: Writer, obj: Record<string, unknown>, ctx: EncodeContext): void {
    if (obj === null || typeof obj !== 'object') throw badValue(ctx, `expected an object (${this.kind})`);
    const rec = (obj as WithWire<StructWireRecord>)[WIRE];
    const start = w.length;
    w.zeros(this.size);
    const end = w.length;
    if (rec?.head) w.buf.set(rec.head, start);
    // A short payload stays short unless a member past its end was set since.
    let cut = rec !== undefined && typeof rec.length === 'number' && rec.length < this.size;
    for (const f of this.fields) {
      const v = obj[f.name];
      if (v === undefined) continue;
      if (cut && f.offset + (f.codec.size as number) > (rec as StructWireRecord).length) cut = false;
      w.length = start + f.offset;
      ctx.path.push(f.name);
      f.codec.encode(w, v, ctx);
      ctx.path.pop();
    }
    w.length = end;
    if (cut) w.length = start + (rec as StructWireRecord).length;
    else if (rec?.tail) w.bytes(rec.tail);
  }
}

/** Defines a fixed C struct from its members in memory order (numbers are padding bytes). */
export function struct<const M extends StructMembers>(name: string, members: M): Struct<M> {
  return new Struct(name, members);
}
