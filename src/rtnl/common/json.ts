// JSON for objects that hold 64-bit values as `bigint`: JSON.stringify throws on a bigint, and a
// number would lose the low digits of a large counter. Such objects carry a non-enumerable
// `toJSON` that prints every bigint (at any depth) as its decimal text; `BigInt(text)` gives it
// back exactly. BigInt.prototype is never touched.

/** A JSON-ready copy of `v`: bigints as decimal text, arrays and plain objects copied. */
function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map(jsonValue);
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return v;
  const out: Record<string, unknown> = {};
  for (const k in v) out[k] = jsonValue((v as Record<string, unknown>)[k]);
  return out;
}

function bigintsAsText(this: object): unknown {
  const out: Record<string, unknown> = {};
  for (const k in this) out[k] = jsonValue((this as Record<string, unknown>)[k]);
  return out;
}

/**
 * Gives `obj` a non-enumerable `toJSON` that prints its bigints (at any depth) as decimal text,
 * so that `JSON.stringify` works on it and keeps 64-bit values exact. Returns `obj`.
 */
export function withBigintJson<T extends object>(obj: T): T {
  Object.defineProperty(obj, 'toJSON', { value: bigintsAsText, enumerable: false, configurable: true, writable: true });
  return obj;
}
