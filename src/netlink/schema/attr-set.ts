// Attribute sets: the attributes of a message or of a nest, decoded into an object with one
// optional key per attribute (in wire order) and encoded back. What plain keys cannot express is
// kept in the hidden wire record (wire-record.ts); the common case runs compiled (compile.ts).

import { copyBytes, type Reader, type Writer } from '../bytes.js';
import { NLA_TYPE_MASK } from '../constants.js';
import { DecodeError, InvalidArgumentError } from '../errors.js';
import { MAX_NESTING, badValue, isSubMessage, tooDeep, type Codec, type DecodeContext, type EncodeContext } from './codec.js';
import { compileSet, decoderMode, type SetDecoder, type SetEntry } from './compile.js';
import { defineLazy, lazyAccess } from './lazy.js';
import { flag } from './primitives.js';
import { WIRE, setWire, type SetWireRecord, type WireEntry, type WithWire } from './wire-record.js';


/** One attribute of a set: its type number, its payload codec, and whether it may repeat. */
export interface AttrSpec<T = unknown, Multi extends boolean = boolean> {
  /** Attribute type number. */
  readonly type: number;
  /** Payload codec. */
  readonly codec: Codec<T>;
  /** True when the attribute may appear several times (decoded as an array). */
  readonly multi: Multi;
  /** Type-field flags the encoder sets by default (NLA_F_NESTED for modern nests). */
  readonly flags: number;
  /**
   * Decode on first access: the decoded object gets a getter that decodes a copy of the payload
   * when first read, then turns into a plain data property. For large nests few readers need
   * (per-family device configuration and counters), to keep listing fast.
   */
  readonly lazy?: boolean;
}

/** Attributes by key. */
export type AttrSpecs = Readonly<Record<string, AttrSpec<any, boolean>>>;

/** The decoded value of an attribute set with attributes `S`: every attribute optional. */
export type AttrValues<S extends AttrSpecs> = {
  -readonly [K in keyof S]?: S[K] extends AttrSpec<infer T, infer Multi> ? (Multi extends true ? T[] : T) : never;
};

/** Options of {@link attr}. */
export interface AttrOptions {
  /** Decode the payload on first access rather than with the rest (see {@link AttrSpec.lazy}). */
  lazy?: boolean;
}

/** Declares an attribute. `flags` are type-field bits its encoder sets (e.g. NLA_F_NESTED). */
export function attr<T>(type: number, codec: Codec<T>, flags = 0, options: AttrOptions = {}): AttrSpec<T, false> {
  return options.lazy ? { type, codec, multi: false, flags, lazy: true } : { type, codec, multi: false, flags };
}

/** Declares an attribute that may appear several times; it decodes to an array in wire order. */
export function multiAttr<T>(type: number, codec: Codec<T>, flags = 0): AttrSpec<T, true> {
  return { type, codec, multi: true, flags };
}

/**
 * A set of attributes (a nest, or the attributes of a message): decodes to an object with one
 * optional key per attribute, encodes such an object back.
 */
export class AttrSet<S extends AttrSpecs> implements Codec<AttrValues<S>> {
  // Made when the specs are first read (see the constructor): a short command uses few sets.
  #byType!: (SetEntry | undefined)[];
  #byKey!: Map<string, SetEntry>;
  #specs: S | undefined;
  #define: (() => S) | undefined;

  /**
   * `specs` may be a function that returns them: it is called when the set is first used (to
   * decode, encode, or read its specs). The generated schemas pass one, so that a process builds
   * only the sets it uses: building every family's sets at import was a large part of a short
   * process's start-up (`rtnl link show` built all of tc's). Errors in the specs (a type declared
   * twice) are then thrown at first use.
   */
  constructor(
    /** The set's name (from the YNL spec), for errors and docs. */
    readonly name: string,
    specs: S | (() => S),
  ) {
    if (typeof specs === 'function') {
      this.#define = specs;
    } else {
      this.#specs = specs;
      this.index(specs);
    }
  }

  /** What errors name the set by: `attrs(NAME)`. */
  get kind(): string {
    return `attrs(${this.name})`;
  }

  /** The attribute specs by key. */
  get specs(): S {
    if (this.#define !== undefined) this.defineNow();
    return this.#specs as S;
  }

  private get byType(): (SetEntry | undefined)[] {
    if (this.#define !== undefined) this.defineNow();
    return this.#byType;
  }

  private get byKey(): Map<string, SetEntry> {
    if (this.#define !== undefined) this.defineNow();
    return this.#byKey;
  }

  private defineNow(): void {
    const specs = (this.#define as () => S)();
    this.index(specs);
    this.#specs = specs;
    this.#define = undefined;
  }

  private index(specs: AttrSpecs): void {
    this.#byType = [];
    this.#byKey = new Map();
    for (const key in specs) {
      if (!Object.hasOwn(specs, key)) continue;
      const s = specs[key];
      const e: SetEntry = { key, type: s.type, codec: s.codec, multi: s.multi, flags: s.flags, lazy: s.lazy === true && !s.multi ? lazyAccess(key, s.codec) : undefined };
      if (this.#byType[s.type] !== undefined) throw new Error(`attribute set ${this.name}: type ${s.type} declared twice`);
      this.#byType[s.type] = e;
      this.#byKey.set(key, e);
    }
  }

  /** The spec of the attribute with key `key`, if the set has one. */
  entry(key: string): AttrSpec | undefined {
    const e = this.byKey.get(key);
    return e && { type: e.type, codec: e.codec, multi: e.multi, flags: e.flags, lazy: e.lazy !== undefined };
  }

  /** The key of the attribute with type number `type`, if the set has one. */
  keyOf(type: number): string | undefined {
    return this.byType[type]?.key;
  }

  decode(r: Reader, off: number, len: number, ctx: DecodeContext): AttrValues<S> {
    const obj: Record<string, unknown> = {};
    if (++ctx.depth > MAX_NESTING) throw tooDeep(off, ctx);
    this.decodeInto(obj, r, off, off + len, ctx);
    ctx.depth--;
    return obj as AttrValues<S>;
  }

  /** Decodes the attributes between `start` and `end` into `obj`. */
  decodeInto(obj: Record<string, unknown>, r: Reader, start: number, end: number, ctx: DecodeContext): void {
    if (decoderMode.compiled && (this.fast !== undefined || ++this.generic > decoderMode.after)) (this.fast ??= this.compile())(obj, r, start, end, ctx);
    else this.decodeGeneric(obj, r, start, start, end, ctx, -1, false, undefined);
  }

  private fast?: SetDecoder;
  // Values decoded by the generic decoder while there was no compiled one (see decoderMode.after).
  private generic = 0;

  // The compiled decoder handles the common case; anything else hands over, at that attribute,
  // to the generic decoder below.
  private compile(): SetDecoder {
    return compileSet(this.byKey.values(), (obj, r, setStart, off, end, ctx, prevType, pending, value) =>
      this.decodeGeneric(obj, r, setStart, off, end, ctx, prevType, pending, value),
    );
  }

  /**
   * The generic decoder: handles everything (unknown attributes, flags, repeats, non-canonical
   * payloads) and keeps what plain keys cannot express in the hidden wire record. It may start in
   * the middle of a set (at `start`; the set begins at `setStart`), after the fast decoder filled
   * `obj` with what came before; with `pending`, the attribute at `start` is already decoded to
   * `pendingValue`.
   */
  private decodeGeneric(
    obj: Record<string, unknown>,
    r: Reader,
    setStart: number,
    start: number,
    end: number,
    ctx: DecodeContext,
    prevType: number,
    pending: boolean,
    pendingValue: unknown,
  ): void {
    const view = r.view;
    const byType = this.byType;
    let order: WireEntry[] | undefined;
    // Offsets of the latest attribute of each type, from the first repeat on: a repeated attribute
    // keeps the raw payload of the one it overrides.
    let latest: Map<number, number> | undefined;
    let off = start;
    while (off < end) {
      if (end - off < 4) throw new DecodeError(`${end - off} stray bytes where an attribute header (4 bytes) should be`, off, [...ctx.path]);
      const alen = view.getUint16(off, true);
      const typeField = view.getUint16(off + 2, true);
      if (alen < 4 || off + alen > end) {
        throw new DecodeError(`attribute length ${alen} does not fit in the ${end - off} bytes left`, off, [...ctx.path]);
      }
      const type = typeField & NLA_TYPE_MASK;
      const e = byType[type];
      if (e === undefined) {
        order ??= this.orderSoFar(obj);
        order.push({ key: null, typeField, raw: copyBytes(r.buf, off + 4, off + alen) });
      } else {
        if (!pending && e.lazy && obj[e.key] === undefined && order === undefined && (typeField & ~NLA_TYPE_MASK) === e.flags) {
          defineLazy(obj, e.lazy, r, off + 4, alen - 4);
          latest?.set(type, off);
          prevType = type;
          off += (alen + 3) & ~3;
          continue;
        }
        let v: unknown;
        if (pending) {
          v = pendingValue;
          pending = false;
        } else {
          ctx.nonCanonical = false;
          ctx.path.push(e.key);
          v = e.codec.decode(r, off + 4, alen - 4, ctx, obj);
          ctx.path.pop();
        }
        const prev = obj[e.key];
        let unusual = ctx.nonCanonical || (typeField & ~NLA_TYPE_MASK) !== e.flags;
        let shadowed = false;
        if (e.multi) {
          if (prev !== undefined && prevType !== type) unusual = true;
        } else if (prev !== undefined) {
          unusual = true;
          shadowed = true;
        }
        if (unusual && order === undefined) order = this.orderSoFar(obj);
        if (order !== undefined) {
          if (shadowed) {
            // The earlier occurrence loses its value to this one: it is re-emitted raw, from its
            // own bytes (re-encoding its value could fail: a sub-message whose selector changed).
            latest ??= this.latestBefore(r, setStart, off);
            for (let i = order.length - 1; i >= 0; i--) {
              if (order[i].key === e.key && !order[i].shadowed) {
                order[i].shadowed = true;
                const at = latest.get(type) as number;
                if (!order[i].raw) order[i].raw = copyBytes(r.buf, at + 4, at + view.getUint16(at, true));
                break;
              }
            }
            // A sub-message decoded in the format this attribute selected before it changed
            // cannot be encoded in the new one: it keeps its bytes while its value is unchanged.
            for (const dep of this.dependents(e.key)) {
              const at = latest.get(dep.type);
              if (at === undefined) continue;
              for (const o of order) {
                if (o.key === dep.key && !o.shadowed && !o.raw) {
                  o.raw = copyBytes(r.buf, at + 4, at + view.getUint16(at, true));
                  o.value = obj[dep.key];
                }
              }
            }
          }
          const entry: WireEntry = { key: e.key, typeField };
          if (ctx.nonCanonical) {
            entry.raw = copyBytes(r.buf, off + 4, off + alen);
            entry.value = v;
          }
          order.push(entry);
        }
        if (e.multi) {
          if (prev === undefined) obj[e.key] = [v];
          else (prev as unknown[]).push(v);
        } else {
          obj[e.key] = v;
        }
      }
      latest?.set(type, off);
      prevType = type;
      off += (alen + 3) & ~3;
    }
    ctx.nonCanonical = false;
    if (order !== undefined) setWire(obj, { order } satisfies SetWireRecord);
  }

  private selects?: Map<string, SetEntry[]>;

  // The attributes whose payload is a sub-message whose format attribute `key` selects.
  private dependents(key: string): SetEntry[] {
    if (!this.selects) {
      this.selects = new Map();
      for (const e of this.byKey.values()) {
        let c: Codec<unknown> = e.codec;
        for (let i = 0; i < 4 && typeof (c as { resolve?: unknown }).resolve === 'function'; i++) c = (c as unknown as { resolve(): Codec<unknown> }).resolve();
        if (!isSubMessage(c)) continue;
        const list = this.selects.get(c.selector) ?? [];
        list.push(e);
        this.selects.set(c.selector, list);
      }
    }
    return this.selects.get(key) ?? [];
  }

  // The offset of the latest attribute of each type between `start` and `end` (well-formed: the
  // decoders went over them already).
  private latestBefore(r: Reader, start: number, end: number): Map<number, number> {
    const latest = new Map<number, number>();
    for (let off = start; off < end; off += (r.view.getUint16(off, true) + 3) & ~3) latest.set(r.view.getUint16(off + 2, true) & NLA_TYPE_MASK, off);
    return latest;
  }

  // The wire order of the attributes decoded so far, rebuilt from key order (valid while nothing
  // unusual has been seen: each key then stands for consecutive attributes with default flags).
  private orderSoFar(obj: Record<string, unknown>): WireEntry[] {
    const order: WireEntry[] = [];
    for (const key in obj) {
      const e = this.byKey.get(key);
      if (e === undefined) continue;
      const n = e.multi ? (obj[key] as unknown[]).length : 1;
      for (let i = 0; i < n; i++) order.push({ key, typeField: e.type | e.flags });
    }
    return order;
  }

  encode(w: Writer, value: AttrValues<S>, ctx: EncodeContext): void {
    this.encodeFrom(w, value as Record<string, unknown>, ctx);
  }

  /**
   * Encodes the attributes found in `obj`. Keys in `skip` (a message's header fields) are not
   * attributes; any other key the set does not know is an error.
   */
  encodeFrom(w: Writer, obj: Record<string, unknown>, ctx: EncodeContext, skip?: ReadonlySet<string>): void {
    if (obj === null || typeof obj !== 'object') throw badValue(ctx, `expected an object (${this.kind})`);
    const rec = (obj as WithWire<SetWireRecord>)[WIRE];
    if (rec?.order) return this.encodeRecorded(w, obj, rec.order, ctx, skip);
    const byKey = this.byKey;
    for (const key in obj) {
      const v = obj[key];
      if (v === undefined) continue;
      const e = byKey.get(key);
      if (e === undefined) {
        if (skip?.has(key)) continue;
        throw new InvalidArgumentError([...ctx.path, key].join('.'), `not an attribute of ${this.name}`);
      }
      this.encodeValue(w, e, v, e.type | e.flags, ctx, obj);
    }
  }

  private encodeValue(w: Writer, e: SetEntry, v: unknown, typeField: number, ctx: EncodeContext, obj: Record<string, unknown>): void {
    ctx.path.push(e.key);
    if (e.multi) {
      if (!Array.isArray(v)) throw badValue(ctx, 'expected an array (the attribute may repeat)');
      for (const item of v) this.encodeOne(w, e.codec, item, typeField, ctx, obj);
    } else {
      this.encodeOne(w, e.codec, v, typeField, ctx, obj);
    }
    ctx.path.pop();
  }

  private encodeOne(w: Writer, codec: Codec<unknown>, v: unknown, typeField: number, ctx: EncodeContext, obj: Record<string, unknown>): void {
    if (codec === flag && v !== true) return; // a false flag is an absent attribute
    const at = w.beginAttr(typeField);
    codec.encode(w, v, ctx, obj);
    w.endAttr(at);
  }

  private encodeRecorded(w: Writer, obj: Record<string, unknown>, order: WireEntry[], ctx: EncodeContext, skip?: ReadonlySet<string>): void {
    const used = new Map<string, number>();
    for (const o of order) {
      if (o.key === null || o.shadowed) {
        const at = w.beginAttr(o.typeField);
        if (o.raw) w.bytes(o.raw);
        w.endAttr(at);
        continue;
      }
      const e = this.byKey.get(o.key) as SetEntry;
      let v = obj[o.key];
      if (e.multi) {
        const i = used.get(o.key) ?? 0;
        used.set(o.key, i + 1);
        v = Array.isArray(v) ? v[i] : undefined;
      } else {
        used.set(o.key, 1);
      }
      if (v === undefined) continue;
      if (o.raw && v === o.value) {
        const at = w.beginAttr(o.typeField);
        w.bytes(o.raw);
        w.endAttr(at);
        continue;
      }
      ctx.path.push(o.key);
      this.encodeOne(w, e.codec, v, o.typeField, ctx, obj);
      ctx.path.pop();
    }
    // Whatever the user added after decoding goes after what was recorded.
    for (const key in obj) {
      const v = obj[key];
      if (v === undefined) continue;
      const e = this.byKey.get(key);
      if (e === undefined) {
        if (skip?.has(key)) continue;
        throw new InvalidArgumentError([...ctx.path, key].join('.'), `not an attribute of ${this.name}`);
      }
      const done = used.get(key) ?? 0;
      if (!e.multi) {
        if (done === 0) this.encodeValue(w, e, v, e.type | e.flags, ctx, obj);
        continue;
      }
      const rest = (v as unknown[]).slice(done);
      if (rest.length > 0) this.encodeValue(w, e, rest, e.type | e.flags, ctx, obj);
    }
  }
}

/** Defines an attribute set; `specs` may be a function that returns them, called at first use. */
export function attrSet<const S extends AttrSpecs>(name: string, specs: S | (() => S)): AttrSet<S> {
  return new AttrSet(name, specs);
}

/** The decoded value of an attribute set. */
export type SetValue<A> = A extends AttrSet<infer S> ? AttrValues<S> : never;

/** A nest: the attribute's payload is itself a set of attributes. */
export function nest<S extends AttrSpecs>(set: AttrSet<S>): Codec<AttrValues<S>> {
  return set;
}
