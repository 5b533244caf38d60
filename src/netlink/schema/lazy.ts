// Lazily decoded attributes: the decoded object gets an accessor that decodes the payload on
// first read, for large nests few readers need (per-family device configuration, counters).

import { Reader } from '../bytes.js';
import { decodeContext, type Codec } from './codec.js';

/**
 * A lazily decoded attribute: `obj[key]` is an accessor shared by every object of the set (no
 * closure per object) that decodes the payload on first read, then turns into an ordinary data
 * property, as an assignment does too. Payloads are offsets into a copy of the datagram made
 * once per datagram, kept in one hidden holder per object.
 */
export interface LazyAccess {
  readonly key: string;
  readonly descriptor: PropertyDescriptor;
}

interface LazyPayload {
  buf: Uint8Array;
  off: number;
  len: number;
}

const LAZY: unique symbol = Symbol('rtnetlink.lazy');

export type LazyHolder = { [LAZY]?: Record<string, LazyPayload> };

export function lazyAccess(key: string, codec: Codec<unknown>): LazyAccess {
  const settle = (obj: Record<string, unknown> & LazyHolder, value: unknown): void => {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
    const held = obj[LAZY];
    if (held) delete held[key];
  };
  const descriptor: PropertyDescriptor = {
    enumerable: true,
    configurable: true,
    get(this: Record<string, unknown> & LazyHolder) {
      const p = (this[LAZY] as Record<string, LazyPayload>)[key];
      const value = codec.decode(new Reader(p.buf), p.off, p.len, decodeContext(), this);
      settle(this, value);
      return value;
    },
    set(this: Record<string, unknown> & LazyHolder, value: unknown) {
      settle(this, value);
    },
  };
  return { key, descriptor };
}

export function defineLazy(obj: Record<string, unknown> & LazyHolder, access: LazyAccess, r: Reader, off: number, len: number): void {
  let held = obj[LAZY];
  if (held === undefined) {
    held = {};
    Object.defineProperty(obj, LAZY, { value: held, enumerable: false, configurable: true, writable: true });
  }
  held[access.key] = { buf: r.stable(), off, len };
  Object.defineProperty(obj, access.key, access.descriptor);
}

