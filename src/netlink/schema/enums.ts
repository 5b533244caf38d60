// Enums and flag sets over integer codecs: numbers on the wire, names in the decoded value.

import { badValue, type Codec } from './codec.js';


/** A table of named values: name to number. */
export type EnumEntries = Readonly<Record<string, number>>;

/** The number-to-name function of an enum's entries (the first name of a value wins). */
function nameLookup(entries: EnumEntries): (v: number) => string | number {
  // Small values (most enums) are looked up in an array: faster than a Map on the decode path.
  // The array ends at the largest named value under 256; other values are kept in a Map, made
  // only for an enum that has them. Walked with for-in (the entries' own keys: names, never
  // integers, so in their written order): a short command makes a few dozen of these tables
  // before its first output, and Object.entries's arrays were most of what they allocated.
  let limit = 0;
  for (const k in entries) {
    if (!Object.hasOwn(entries, k)) continue;
    const v = entries[k];
    if (v >= 0 && v < 256 && v >= limit) limit = v + 1;
  }
  const small: (string | undefined)[] = new Array(limit).fill(undefined);
  let large: Map<number, string> | undefined;
  for (const k in entries) {
    if (!Object.hasOwn(entries, k)) continue;
    const v = entries[k];
    if (v >= 0 && v < limit) small[v] ??= k;
    else if (!(large ??= new Map()).has(v)) large.set(v, k);
  }
  if (large === undefined) return (v: number): string | number => (v >= 0 && v < limit ? small[v] : undefined) ?? v;
  const byValue = large;
  return (v: number): string | number => (v >= 0 && v < limit ? small[v] : byValue.get(v)) ?? v;
}

/**
 * An integer whose known values have names: decodes to the name, or to the number when the
 * value has none. Encodes either.
 */
export function enumOf<const E extends EnumEntries>(base: Codec<number>, entries: E): Codec<(keyof E & string) | number> {
  // The name table is made on first use: the library defines many enums at import (each message
  // header's family, scope, type, ...) and a command uses a few.
  let table: ((v: number) => string | number) | undefined;
  const lookup = (): ((v: number) => string | number) => (table ??= nameLookup(entries));
  const baseInline = base.inline;
  return {
    kind: `enum(${base.kind})`,
    size: base.size,
    ...(baseInline ? { inline: (view: string, off: string, dep: (value: unknown) => string) => `${dep(lookup())}(${baseInline(view, off, dep)})` } : {}),
    decode(r, off, len, ctx) {
      const v = base.decode(r, off, len, ctx);
      return lookup()(v) as keyof E & string | number;
    },
    encode(w, value, ctx) {
      if (typeof value === 'number') return base.encode(w, value, ctx);
      const v = entries[value];
      if (v === undefined) throw badValue(ctx, `unknown value ${JSON.stringify(value)}; expected one of ${Object.keys(entries).join(', ')} or a number`);
      base.encode(w, v, ctx);
    },
  };
}

/** The names of the set bits of a flags value, in bit order (a bit without a name as its value). */
function bitNamer<const E extends EnumEntries>(bits: E): (raw: number) => Array<(keyof E & string) | number> {
  const byBit: (string | undefined)[] = new Array(32);
  for (const k in bits) {
    if (!Object.hasOwn(bits, k)) continue;
    const v = bits[k];
    const bit = 31 - Math.clz32(v);
    if (v === 2 ** bit && byBit[bit] === undefined) byBit[bit] = k;
  }
  return (raw) => {
    let v = raw | 0;
    // Made at its final length: an array grown by push() keeps room for 17 elements (136 bytes
    // per link's flags, more than half the link object itself), and dumps hold thousands.
    let n = 0;
    for (let x = v; x !== 0; x &= x - 1) n++;
    const out = new Array<(keyof E & string) | number>(n);
    for (let i = 0; v !== 0; i++) {
      const low = v & -v;
      out[i] = (byBit[31 - Math.clz32(low)] as keyof E & string | undefined) ?? low >>> 0;
      v &= v - 1;
    }
    return out;
  };
}

/**
 * An integer of bit flags: decodes to the names of the set bits, in bit order; a set bit without a
 * name stays as its numeric value. Encodes an array of names and numbers.
 */
export function flagsOf<const E extends EnumEntries>(base: Codec<number>, bits: E): Codec<Array<(keyof E & string) | number>> {
  // Made on first use, as enumOf's table; a decoder compiled from this codec calls the made
  // function itself.
  let made: ((raw: number) => Array<(keyof E & string) | number>) | undefined;
  const names = (): ((raw: number) => Array<(keyof E & string) | number>) => (made ??= bitNamer(bits));
  const baseInline = base.inline;
  return {
    kind: `flags(${base.kind})`,
    size: base.size,
    ...(baseInline ? { inline: (view: string, off: string, dep: (value: unknown) => string) => `${dep(names())}(${baseInline(view, off, dep)})` } : {}),
    decode(r, off, len, ctx) {
      return names()(base.decode(r, off, len, ctx));
    },
    encode(w, value, ctx) {
      if (!Array.isArray(value)) throw badValue(ctx, 'expected an array of flag names');
      let v = 0;
      for (const f of value) {
        const m = typeof f === 'number' ? f : bits[f];
        if (m === undefined) throw badValue(ctx, `unknown flag ${JSON.stringify(f)}; expected some of ${Object.keys(bits).join(', ')}`);
        v = (v | m) >>> 0;
      }
      base.encode(w, v, ctx);
    },
  };
}
