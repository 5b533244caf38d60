// Composite codecs built on attribute sets: nests, indexed arrays, sub-messages (a payload whose
// format a sibling attribute selects) and mapped values.

import { DecodeError } from '../errors.js';
import { MAX_NESTING, badValue, tooDeep, type Codec, type EncodeContext, type SubMessageCodec, type ValueOf } from './codec.js';
import { binary } from './primitives.js';
import { WIRE, setWire, type ArrayWireRecord, type WithWire } from './wire-record.js';

/**
 * An indexed array (YNL `indexed-array`): a nest whose attributes are the elements, their types
 * being the indexes (0, 1, 2, ... unless recorded otherwise).
 */
export function indexedArray<T>(element: Codec<T>, firstIndex = 0): Codec<T[]> {
  return {
    kind: `array(${element.kind})`,
    decode(r, off, len, ctx) {
      if (++ctx.depth > MAX_NESTING) throw tooDeep(off, ctx);
      const out: T[] = [];
      let types: number[] | undefined;
      const end = off + len;
      let i = 0;
      while (off < end) {
        if (end - off < 4) throw new DecodeError('stray bytes in an indexed array', off, [...ctx.path]);
        const alen = r.view.getUint16(off, true);
        const tf = r.view.getUint16(off + 2, true);
        if (alen < 4 || off + alen > end) throw new DecodeError(`array element length ${alen} does not fit`, off, [...ctx.path]);
        if (tf !== firstIndex + i && types === undefined) types = out.map((_, j) => firstIndex + j);
        types?.push(tf);
        ctx.path.push(i);
        out.push(element.decode(r, off + 4, alen - 4, ctx));
        ctx.path.pop();
        i++;
        off += (alen + 3) & ~3;
      }
      if (types) setWire(out, { types } satisfies ArrayWireRecord);
      ctx.depth--;
      return out;
    },
    encode(w, value, ctx) {
      if (!Array.isArray(value)) throw badValue(ctx, 'expected an array');
      const types = (value as WithWire<ArrayWireRecord>)[WIRE]?.types;
      value.forEach((item, i) => {
        const at = w.beginAttr(types?.[i] ?? firstIndex + i);
        ctx.path.push(i);
        element.encode(w, item, ctx);
        ctx.path.pop();
        w.endAttr(at);
      });
    },
  };
}

/**
 * A sub-message (YNL `sub-message`): the payload's format depends on a sibling attribute decoded
 * before it, such as link info data on the link kind. Unknown selectors decode to raw bytes.
 */
export function subMessage<const F extends Readonly<Record<string, Codec<any>>>>(
  selector: string,
  formats: F,
): SubMessageCodec<ValueOf<F[keyof F]> | Uint8Array> {
  return {
    kind: `sub-message(${selector})`,
    selector,
    formats,
    decode(r, off, len, ctx, parent) {
      const sel = parent?.[selector];
      const c = typeof sel === 'string' && Object.hasOwn(formats, sel) ? formats[sel] : undefined;
      return c ? c.decode(r, off, len, ctx, parent) : binary.decode(r, off, len, ctx);
    },
    encode(w, value, ctx, parent) {
      if (value instanceof Uint8Array) return binary.encode(w, value, ctx);
      const sel = parent?.[selector];
      const c = typeof sel === 'string' && Object.hasOwn(formats, sel) ? formats[sel] : undefined;
      if (!c) throw badValue(ctx, `no format known for ${selector} ${JSON.stringify(sel)}; pass the payload as a Uint8Array`);
      c.encode(w, value, ctx, parent);
    },
  };
}

/** A codec whose value is mapped: `from` after decoding, `to` before encoding. */
export function mapped<A, B>(base: Codec<A>, kind: string, from: (a: A) => B, to: (b: B, ctx: EncodeContext) => A): Codec<B> {
  return {
    kind,
    size: base.size,
    decode: (r, off, len, ctx, parent) => from(base.decode(r, off, len, ctx, parent)),
    encode: (w, value, ctx, parent) => base.encode(w, to(value, ctx), ctx, parent),
  };
}
