// The compiled fast path: decoders generated as JS source (`new Function`) for structs and
// attribute sets. Literal property names and inlined integer reads keep V8's stores monomorphic,
// which is most of the decoding speed. Every compiled decoder has a generic twin (in struct.ts and
// attr-set.ts) that decodes the same bytes to the same value.

import type { Reader } from '../bytes.js';
import { NLA_TYPE_MASK } from '../constants.js';
import type { Codec, DecodeContext } from './codec.js';
import { defineLazy, type LazyAccess } from './lazy.js';

/** One member of a struct, at its offset. */
export interface StructField {
  name: string;
  codec: Codec<unknown>;
  offset: number;
}

/** Decodes a whole struct (its payload holds at least the struct's size) into `obj`. */
export type StructDecoder = (obj: Record<string, unknown>, r: Reader, off: number, ctx: DecodeContext) => void;

/** Compiles the decoder of a struct with `fields`. */
export function compileStruct(fields: readonly StructField[]): StructDecoder {
  const deps: unknown[] = [];
  const dep = (value: unknown): string => `d[${deps.push(value) - 1}]`;
  const lines = fields.map((f, i) =>
    f.codec.inline
      ? `obj[${JSON.stringify(f.name)}] = ${f.codec.inline('view', `off + ${f.offset}`, dep)};`
      : `obj[${JSON.stringify(f.name)}] = c[${i}].decode(r, off + ${f.offset}, ${f.codec.size as number}, ctx);`,
  );
  const body = `return function structDecode(obj, r, off, ctx) {\nconst view = r.view;\n${lines.join('\n')}\n};`;
  return new Function('c', 'd', body)(
    fields.map((f) => f.codec),
    deps,
  ) as StructDecoder;
}

/** One attribute of a set, as the decoders see it. */
export interface SetEntry {
  key: string;
  type: number;
  codec: Codec<unknown>;
  multi: boolean;
  flags: number;
  lazy: LazyAccess | undefined;
}

/** Decodes the attributes between `start` and `end` into `obj`. */
export type SetDecoder = (obj: Record<string, unknown>, r: Reader, start: number, end: number, ctx: DecodeContext) => void;

/**
 * The generic decoder a compiled set decoder hands over to, at the attribute at `off`, when it
 * meets what it does not handle; `prevType` is the type of the attribute before it.
 */
export type SetFallback = (obj: Record<string, unknown>, r: Reader, off: number, end: number, ctx: DecodeContext, prevType: number) => void;

/**
 * Compiles a decoder for the common case: each attribute once (or repeats in one run), default
 * type flags, canonical payloads. Anything else hands over, at that attribute, to `slow`.
 */
export function compileSet(entries: Iterable<SetEntry>, slow: SetFallback): SetDecoder {
  const codecs: Codec<unknown>[] = [];
  const lazies: LazyAccess[] = [];
  const deps: unknown[] = [];
  const dep = (value: unknown): string => `d[${deps.push(value) - 1}]`;
  let cases = '';
  for (const e of entries) {
    const i = codecs.push(e.codec) - 1;
    const key = JSON.stringify(e.key);
    if (e.lazy) {
      const j = lazies.push(e.lazy) - 1;
      cases += `case ${e.type | e.flags}: if (obj[${key}] !== undefined) break loop; lazy(obj, l[${j}], r, off + 4, alen - 4); break;\n`;
      continue;
    }
    const store = e.multi
      ? `if (obj[${key}] === undefined) obj[${key}] = [v]; else if (prevType === ${e.type}) obj[${key}].push(v); else break loop;`
      : `if (obj[${key}] !== undefined) break loop; obj[${key}] = v;`;
    if (e.codec.inline && e.codec.size !== undefined) {
      // A payload of another size than the codec's is unusual: the generic decoder keeps it raw.
      cases += `case ${e.type | e.flags}: if (alen !== ${e.codec.size + 4}) break loop; v = ${e.codec.inline('view', 'off + 4', dep)}; ${store} break;\n`;
      continue;
    }
    cases += `case ${e.type | e.flags}: v = c[${i}].decode(r, off + 4, alen - 4, ctx, obj); if (ctx.nonCanonical) break loop; ${store} break;\n`;
  }
  // Every way out of the loop but its end leaves `off` at the attribute the generic decoder
  // must start from; it is called outside the try so that its own errors propagate.
  const body = `return function fastDecode(obj, r, start, end, ctx) {
  const view = r.view;
  let off = start, prevType = -1, v;
  try {
    loop: while (off < end) {
      if (end - off < 4) break;
      const alen = view.getUint16(off, true);
      if (alen < 4 || off + alen > end) break;
      const tf = view.getUint16(off + 2, true);
      ctx.nonCanonical = false;
      switch (tf) {
${cases}        default: break loop;
      }
      prevType = tf & ${NLA_TYPE_MASK};
      off += (alen + 3) & ~3;
    }
  } catch (err) {
    // A codec refused its payload: the generic decoder reports it with the attribute path.
  }
  if (off < end) slow(obj, r, off, end, ctx, prevType);
};`;
  return new Function('c', 'slow', 'lazy', 'l', 'd', body)(codecs, slow, defineLazy, lazies, deps) as SetDecoder;
}
