// Codecs first needed by traffic control (src/rtnl/generated/tc.ts), built on the DSL's
// primitives: the kernel's struct nla_bitfield32, and C structs ending in a flexible array
// (struct tc_u32_sel and its keys[], struct tc_u32_pcnt and its kcnts[], struct tc_pedit_sel).

import { DecodeError, InvalidArgumentError } from '../../netlink/errors.js';
import { struct, u32, type Codec, type Struct, type StructMembers, type StructValue } from '../../netlink/schema/index.js';

/** struct nla_bitfield32 (NLA_BITFIELD32): the bits `value`, of which only those in `selector` count. */
export const bitfield32 = struct('nla_bitfield32', {
  /** The bits. */
  value: u32,
  /** Which bits of `value` the kernel looks at. */
  selector: u32,
});

/**
 * A C struct followed by a flexible array of fixed-size elements (`struct tc_u32_sel` and its
 * `keys[]`): decoded into one object holding the struct's members and the array under `key`.
 * Header members are optional when encoding (missing ones are zero); the array is written as
 * given (the count member, if the struct has one, is the caller's to fill in).
 */
export function structAndArray<const M extends StructMembers, const K extends string, T>(
  header: Struct<M>,
  key: K,
  element: Codec<T>,
): Codec<StructValue<M> & { [P in K]: T[] }> {
  const size = element.size;
  if (size === undefined || size <= 0) throw new Error(`structAndArray(${header.name}): ${element.kind} has no fixed size`);
  return {
    kind: `${header.name}+${element.kind}[]`,
    decode(r, off, len, ctx) {
      if (len < header.size) throw new DecodeError(`${header.name}: payload of ${len} bytes, need ${header.size}`, off, [...ctx.path]);
      const rest = len - header.size;
      if (rest % size !== 0) {
        throw new DecodeError(`${header.name}: ${rest} bytes after the struct are not a whole number of ${element.kind} (${size} bytes)`, off, [...ctx.path]);
      }
      const obj: Record<string, unknown> = {};
      header.decodeInto(obj, r, off, header.size, ctx, false);
      const items: T[] = [];
      ctx.path.push(key);
      for (let p = off + header.size; p < off + len; p += size) {
        ctx.path.push(items.length);
        items.push(element.decode(r, p, size, ctx));
        ctx.path.pop();
      }
      ctx.path.pop();
      obj[key] = items;
      return obj as StructValue<M> & { [P in K]: T[] };
    },
    encode(w, value, ctx) {
      if (value === null || typeof value !== 'object') throw new InvalidArgumentError(ctx.path.join('.') || '(value)', `expected an object (${header.name})`);
      const { [key]: items, ...members } = value as Record<string, unknown>;
      header.encodeFrom(w, members, ctx);
      if (items === undefined) return;
      if (!Array.isArray(items)) throw new InvalidArgumentError([...ctx.path, key].join('.'), 'expected an array');
      ctx.path.push(key);
      items.forEach((item: T, i) => {
        ctx.path.push(i);
        element.encode(w, item, ctx);
        ctx.path.pop();
      });
      ctx.path.pop();
    },
  };
}
