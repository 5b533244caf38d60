// The compiled fast path: decoders generated as JS source (`new Function`) for structs and
// attribute sets. Literal property names and inlined integer reads keep V8's stores monomorphic,
// which is most of the decoding speed. Every compiled decoder has a generic twin (in struct.ts and
// attr-set.ts) that decodes the same bytes to the same value: it runs where code generation from
// strings is refused (`node --disallow-code-generation-from-strings`, some CSP-like sandboxes).

import type { Reader } from '../bytes.js';
import { NLA_TYPE_MASK } from '../constants.js';
import { DecodeError, InvalidArgumentError } from '../errors.js';
import type { Codec, DecodeContext } from './codec.js';
import { defineLazy, type LazyAccess } from './lazy.js';

function probeCodeGeneration(): boolean {
  try {
    return (new Function('return 1') as () => number)() === 1;
  } catch {
    return false; // EvalError: code generation from strings disallowed
  }
}

/** Whether this process may compile code from strings; probed once, when the library loads. */
export const codeGenerationAllowed: boolean = probeCodeGeneration();

/**
 * Which decoders run: compiled ones where allowed, once a schema has decoded `after` values with
 * its generic one (0, the default: from the first value on). A plain object read at each decode,
 * so that tests can run the same schema both ways in one process ({@link useCompiledDecoders}),
 * and the command line can put off compiling ({@link compileDecodersAfter}).
 */
export const decoderMode: { compiled: boolean; after: number } = { compiled: codeGenerationAllowed, after: 0 };

/**
 * Has each struct and attribute set decode its first `n` values with its generic decoder, and
 * make its compiled one only then (by default, `0`, it is made for the first value). A compiled
 * decoder is JavaScript source made at run time, so it is parsed and compiled in every process:
 * for a short-lived process that decodes a few values per schema (a CNI plugin, a command such
 * as `rtnl link show`, which sets 16) compiling costs more than it saves. The values are the
 * same either way. It applies to the whole process.
 * @throws {@link InvalidArgumentError} for `n` not a non-negative integer.
 */
export function compileDecodersAfter(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('n', `expected a non-negative integer, got ${String(n)}`);
  decoderMode.after = n;
}

/**
 * Chooses compiled (where allowed; from the first value on, or after `after` values per schema)
 * or generic decoders for every schema, and returns the previous choice. For tests that check
 * both decode alike; not part of the public API.
 */
export function useCompiledDecoders(compiled: boolean, after = 0): boolean {
  const before = decoderMode.compiled;
  decoderMode.compiled = compiled && codeGenerationAllowed;
  decoderMode.after = after;
  return before;
}

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
 * meets what it does not handle. `setStart` is where the set's attributes begin, `prevType` the
 * type of the attribute before `off`. With `pending`, the attribute at `off` was already decoded
 * to `value` (with `ctx.nonCanonical` as its codec left it): it is not decoded a second time.
 */
export type SetFallback = (
  obj: Record<string, unknown>,
  r: Reader,
  setStart: number,
  off: number,
  end: number,
  ctx: DecodeContext,
  prevType: number,
  pending: boolean,
  value: unknown,
) => void;

/**
 * A DecodeError thrown below an attribute decoded by a compiled decoder, which does not push its
 * key on `ctx.path` (for speed), with that key put back into its path at depth `base`.
 */
export function locate(err: unknown, ctx: DecodeContext, base: number, key: string): unknown {
  if (!(err instanceof DecodeError)) return err;
  const path = [...ctx.path.slice(0, base), key, ...err.path.slice(base)];
  ctx.path.length = base;
  return new DecodeError(err.reason, err.offset, path);
}

/**
 * Compiles a decoder for the common case: each attribute once (or repeats in one run), default
 * type flags, canonical payloads. Anything else hands over, at that attribute, to `slow`, with the
 * value already decoded if there is one: no byte is decoded twice, so decoding time stays linear
 * in the input whatever the nesting.
 */
export function compileSet(entries: Iterable<SetEntry>, slow: SetFallback): SetDecoder {
  const codecs: Codec<unknown>[] = [];
  const keys: string[] = [];
  const lazies: LazyAccess[] = [];
  const deps: unknown[] = [];
  const dep = (value: unknown): string => `d[${deps.push(value) - 1}]`;
  let cases = '';
  for (const e of entries) {
    const i = codecs.push(e.codec) - 1;
    keys.push(e.key);
    const key = JSON.stringify(e.key);
    if (e.lazy) {
      const j = lazies.push(e.lazy) - 1;
      cases += `case ${e.type | e.flags}: if (obj[${key}] !== undefined) break loop; lazy(obj, l[${j}], r, off + 4, alen - 4); break;\n`;
      continue;
    }
    if (e.codec.inline && e.codec.size !== undefined) {
      // A payload of another size than the codec's is unusual: the generic decoder keeps it raw.
      // (A repeat is decoded again there: an inlined read is a few instructions.)
      const store = e.multi
        ? `if (obj[${key}] === undefined) obj[${key}] = [v]; else if (prevType === ${e.type}) obj[${key}].push(v); else break loop;`
        : `if (obj[${key}] !== undefined) break loop; obj[${key}] = v;`;
      cases += `case ${e.type | e.flags}: if (alen !== ${e.codec.size + 4}) break loop; v = ${e.codec.inline('view', 'off + 4', dep)}; ${store} break;\n`;
      continue;
    }
    const store = e.multi
      ? `if (obj[${key}] === undefined) obj[${key}] = [v]; else if (prevType === ${e.type}) obj[${key}].push(v); else { pending = true; break loop; }`
      : `if (obj[${key}] !== undefined) { pending = true; break loop; } obj[${key}] = v;`;
    cases += `case ${e.type | e.flags}: k = ${i}; v = c[${i}].decode(r, off + 4, alen - 4, ctx, obj); if (ctx.nonCanonical) { pending = true; break loop; } ${store} break;\n`;
  }
  // Every way out of the loop but its end leaves `off` at the attribute the generic decoder
  // must start from (with its value when pending). A codec's DecodeError propagates with this
  // level's key added to its path: decoding it again generically would double the work at every
  // level of nesting.
  const body = `return function fastDecode(obj, r, start, end, ctx) {
  const view = r.view;
  const base = ctx.path.length;
  let off = start, prevType = -1, v, pending = false, k = -1;
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
    throw locate(err, ctx, base, keys[k]);
  }
  if (off < end) slow(obj, r, start, off, end, ctx, prevType, pending, v);
};`;
  return new Function('c', 'slow', 'lazy', 'l', 'd', 'locate', 'keys', body)(codecs, slow, defineLazy, lazies, deps, locate, keys) as SetDecoder;
}

/**
 * A factory of empty objects that have `keys` (set to undefined) in that order. Where code
 * generation is allowed it is a constructor assigning the keys: every object gets the same shape,
 * and V8's slack tracking leaves in-object room for the properties added after (an object literal
 * would put them in a separate, growing property array). Its prototype is Object.prototype, so the
 * objects are plain objects in every observable way.
 */
export function objectMaker(keys: readonly string[]): () => Record<string, unknown> {
  if (!codeGenerationAllowed) {
    return () => {
      const obj: Record<string, unknown> = {};
      for (const k of keys) obj[k] = undefined;
      return obj;
    };
  }
  const ctor = new Function(keys.map((k) => `this[${JSON.stringify(k)}] = undefined;`).join('\n')) as { prototype: object };
  ctor.prototype = Object.prototype;
  return new Function('C', 'return function make() { return new C(); };')(ctor) as () => Record<string, unknown>;
}
