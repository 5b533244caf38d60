// Option attributes a kind's model does not name (newer kernels' attributes, or rarely used ones)
// ride along with the model object, hidden, and are sent again byte for byte.

import { Writer } from '../../../netlink/bytes.js';
import { encodeWith, unknownAttributes, type AttrSet, type AttrSpecs, type Codec } from '../../../netlink/schema/index.js';

const EXTRA: unique symbol = Symbol('rtnetlink.tc.extra');

/** Attaches `extra` (encoded attributes) to `obj`, non-enumerable: invisible to JSON and equality. */
export function withExtra<T extends object>(obj: T, extra: Uint8Array | undefined): T {
  if (extra !== undefined && extra.length > 0) Object.defineProperty(obj, EXTRA, { value: extra, enumerable: false, configurable: true });
  return obj;
}

/** The encoded attributes attached to `obj` by {@link withExtra}. */
export function extraOf(obj: object): Uint8Array | undefined {
  return (obj as { [EXTRA]?: Uint8Array })[EXTRA];
}

/**
 * The attributes of a decoded set value that the mapping did not use (keys not in `used`, and
 * attributes the schema does not know), encoded again in their wire order.
 */
export function leftoverAttributes<S extends AttrSpecs>(set: AttrSet<S>, wire: object, used: ReadonlySet<string>): Uint8Array | undefined {
  const rest: Record<string, unknown> = {};
  let any = false;
  for (const [k, v] of Object.entries(wire)) {
    if (used.has(k) || v === undefined || !set.entry(k)) continue;
    rest[k] = v;
    any = true;
  }
  const unknown = unknownAttributes(wire);
  if (!any && unknown.length === 0) return undefined;
  const w = new Writer(64);
  if (any) w.bytes(encodeWith(set as unknown as Codec<Record<string, unknown>>, rest));
  for (const a of unknown) {
    const at = w.beginAttr(a.typeField);
    w.bytes(a.data);
    w.endAttr(at);
  }
  return w.take();
}

/** `head` encoded with `codec`, followed by `extra` when there is any (the options payload as bytes). */
export function withTail<T>(codec: Codec<T>, head: T, extra: Uint8Array | undefined): T | Uint8Array {
  if (extra === undefined || extra.length === 0) return head;
  const a = encodeWith(codec, head);
  const out = new Uint8Array(a.length + extra.length);
  out.set(a, 0);
  out.set(extra, a.length);
  return out;
}
