// u32 selectors: matches as tc users write them (`match ip dst 198.51.100.0/24`, `match ip dport
// 80 0xffff`, `match u32 0 0`) and the 32-bit keys (value, mask, offset) the kernel keeps, both
// ways, as tc 6.1 packs them (tc/f_u32.c: pack_key, parse_ip_addr, parse_u16, parse_u8).

import { formatIPv4, formatIPv6 } from '../../../netlink/addr.js';
import { InvalidArgumentError } from '../../../netlink/errors.js';
import { checkKeys, checkObject } from '../../common/model.js';
import { parsePrefix } from '../../common/prefix.js';
import type { U32Match } from './model.js';

/** A key of struct tc_u32_sel: a 32-bit word of the packet at `off` (plus the offset its `offmask` adds). */
export interface U32Key {
  /** The mask applied to the word (network byte order, as the kernel holds it). */
  mask: number;
  /** The value the masked word must equal (network byte order). */
  val: number;
  /** The word's byte offset. */
  off: number;
  /** Non-zero when `off` counts from the next header (tc's `at nexthdr+`). */
  offmask: number;
}

/** TC_U32_HTID, TC_U32_HASH and TC_U32_NODE of a handle, as tc writes it (`800::800`, `800:`, `none`). */
export function formatU32Handle(h: number): string {
  if (h === 0) return 'none';
  const htid = h >>> 20;
  const hash = (h >>> 12) & 0xff;
  const node = h & 0xfff;
  let s = htid ? `${htid.toString(16)}:` : '';
  if (hash) s += hash.toString(16);
  if (node) s += `:${node.toString(16)}`;
  return s;
}

/** A u32 handle as tc reads it (get_u32_handle): `'800::800'`, `'800:'`, `'1:2:3'`, or a number. */
export function parseU32Handle(v: string | number, field: string): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new InvalidArgumentError(field, `${v} is not a 32-bit handle`);
    return v;
  }
  const bad = (): InvalidArgumentError => new InvalidArgumentError(field, `${JSON.stringify(v)} is not a u32 handle ('htid:hash:node' in hexadecimal, such as '800::800' or '800:')`);
  if (typeof v !== 'string') throw bad();
  const parts = v.trim().toLowerCase().split(':');
  if (parts.length > 3 || parts.some((p) => p !== '' && !/^[0-9a-f]+$/.test(p))) throw bad();
  const [a, b = '', c = ''] = parts;
  const htid = a === '' ? 0 : parseInt(a, 16);
  const hash = b === '' ? 0 : parseInt(b, 16);
  const node = c === '' ? 0 : parseInt(c, 16);
  if (htid > 0xfff || hash > 0xff || node > 0xfff) throw bad();
  return ((htid << 20) | (hash << 12) | node) >>> 0;
}

const MATCH_KEYS = new Set(['type', 'field', 'prefix', 'value', 'mask', 'at', 'offmask']);

/** The keys (before packing) of one match. */
function keysOfMatch(m: U32Match, f: string): U32Key[] {
  checkObject(m, f, 'a u32 match');
  checkKeys(m, MATCH_KEYS, `${f}.`);
  const int = (k: string, v: unknown, max: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new InvalidArgumentError(`${f}.${k}`, `${String(v)} is not an integer from 0 to ${max}`);
    return v;
  };
  if (m.type === 'u32') {
    const at = m.at;
    if (typeof at !== 'number' || !Number.isInteger(at) || at % 4 !== 0 || at < -0x80000000 || at > 0x7fffffff) throw new InvalidArgumentError(`${f}.at`, 'expected an offset that is a multiple of 4');
    const offmask = m.offmask ?? 0;
    if (!Number.isInteger(offmask) || offmask < -0x80000000 || offmask > 0x7fffffff) throw new InvalidArgumentError(`${f}.offmask`, 'expected a signed 32-bit number');
    return [{ val: int('value', m.value, 0xffffffff), mask: int('mask', m.mask, 0xffffffff), off: at, offmask }];
  }
  if (m.type !== 'ip' && m.type !== 'ip6') throw new InvalidArgumentError(`${f}.type`, `expected 'u32', 'ip' or 'ip6', got ${JSON.stringify((m as { type: unknown }).type)}`);
  const v6 = m.type === 'ip6';
  if (m.field === 'src' || m.field === 'dst') {
    if (!('prefix' in m)) throw new InvalidArgumentError(`${f}.prefix`, 'an address match needs a prefix');
    const p = parsePrefix(m.prefix, `${f}.prefix`);
    if ((p.family === 'inet6') !== v6) throw new InvalidArgumentError(`${f}.prefix`, `expected an IPv${v6 ? 6 : 4} prefix`);
    const base = v6 ? (m.field === 'src' ? 8 : 24) : m.field === 'src' ? 12 : 16;
    const keys: U32Key[] = [];
    // One key per 32-bit word the prefix covers (tc: parse_ip_addr / parse_ip6_addr).
    for (let i = 0; i * 32 < Math.max(p.length, 1); i++) {
      const bits = Math.min(32, p.length - i * 32);
      const mask = bits <= 0 ? 0 : bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
      const word = ((p.bytes[i * 4] << 24) | (p.bytes[i * 4 + 1] << 16) | (p.bytes[i * 4 + 2] << 8) | p.bytes[i * 4 + 3]) >>> 0;
      keys.push({ val: (word & mask) >>> 0, mask, off: base + i * 4, offmask: 0 });
    }
    return keys;
  }
  if (!('value' in m)) throw new InvalidArgumentError(`${f}.value`, 'expected a value and a mask');
  // [byte offset, width in bits] of each field (IPv4 without options, as tc assumes).
  const layout: Record<string, [number, number] | undefined> = v6
    ? { sport: [40, 16], dport: [42, 16], protocol: [6, 8] }
    : { sport: [20, 16], dport: [22, 16], protocol: [9, 8], tos: [1, 8] };
  const l = layout[m.field];
  if (!l) throw new InvalidArgumentError(`${f}.field`, `expected src, dst, sport, dport, protocol${v6 ? '' : ' or tos'}, got ${JSON.stringify(m.field)}`);
  const [byte, width] = l;
  const max = width === 16 ? 0xffff : 0xff;
  const shift = 32 - width - (byte % 4) * 8;
  const value = int('value', m.value, max);
  const mask = int('mask', m.mask, max);
  return [{ val: ((value & mask) << shift) >>> 0, mask: (mask << shift) >>> 0, off: byte - (byte % 4), offmask: 0 }];
}

/**
 * The keys of a selector, packed as tc packs them: a match on a word a previous key covers (same
 * offset and offset mask) is merged into it.
 * @throws {@link InvalidArgumentError} for contradicting matches or more than 128 keys.
 */
export function matchesToKeys(matches: readonly U32Match[], field: string): U32Key[] {
  if (!Array.isArray(matches)) throw new InvalidArgumentError(field, 'expected an array of matches');
  const keys: U32Key[] = [];
  matches.forEach((m, i) => {
    for (const k of keysOfMatch(m, `${field}.${i}`)) {
      const same = keys.find((x) => x.off === k.off && x.offmask === k.offmask);
      if (same) {
        if (((k.val ^ same.val) & (k.mask & same.mask)) !== 0) throw new InvalidArgumentError(`${field}.${i}`, 'contradicts an earlier match on the same bits');
        same.val = (same.val | k.val) >>> 0;
        same.mask = (same.mask | k.mask) >>> 0;
      } else {
        if (keys.length >= 128) throw new InvalidArgumentError(field, 'a u32 selector has at most 128 keys');
        keys.push({ ...k });
      }
    }
  });
  return keys;
}

/** The length of a contiguous prefix mask, or -1. */
function prefixLength(mask: number): number {
  const m = mask >>> 0;
  let n = 0;
  while (n < 32 && (m & (0x80000000 >>> n)) !== 0) n++;
  return ((n === 32 ? 0xffffffff : (0xffffffff << (32 - n)) >>> 0) === m) ? n : -1;
}

const raw = (k: U32Key): U32Match => (k.offmask === 0 ? { type: 'u32', value: k.val >>> 0, mask: k.mask >>> 0, at: k.off } : { type: 'u32', value: k.val >>> 0, mask: k.mask >>> 0, at: k.off, offmask: k.offmask });

/** Splits a key into the byte fields of `fields` ([name, byte in the word, width]) when its mask is within them. */
function fieldsOf(type: 'ip' | 'ip6', k: U32Key, fields: readonly [string, number, number][]): U32Match[] | undefined {
  let covered = 0;
  const out: U32Match[] = [];
  for (const [name, byte, width] of fields) {
    const shift = 32 - width - byte * 8;
    const fmask = (((1 << width) - 1) << shift) >>> 0;
    covered = (covered | fmask) >>> 0;
    const mask = ((k.mask & fmask) >>> 0) >>> shift;
    if (mask === 0) continue;
    out.push({ type, field: name as 'sport', value: ((k.val & fmask) >>> 0) >>> shift, mask });
  }
  return (k.mask & ~covered) === 0 && out.length > 0 ? out : undefined;
}

/**
 * The matches of a selector's keys, for a filter of link-layer protocol `protocol` (0x0800 IPv4,
 * 0x86dd IPv6: their fields are recognised; anything else lists as `u32`).
 */
export function keysToMatches(keys: readonly U32Key[], protocol: number): U32Match[] {
  const out: U32Match[] = [];
  const v4 = protocol === 0x0800;
  const v6 = protocol === 0x86dd;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k.offmask !== 0 || (!v4 && !v6)) {
      out.push(raw(k));
      continue;
    }
    if (v4) {
      const len = prefixLength(k.mask);
      if ((k.off === 12 || k.off === 16) && len > 0 && (k.val & ~k.mask) === 0) {
        const b = Uint8Array.of(k.val >>> 24, (k.val >>> 16) & 255, (k.val >>> 8) & 255, k.val & 255);
        out.push({ type: 'ip', field: k.off === 12 ? 'src' : 'dst', prefix: `${formatIPv4(b, 0)}/${len}` });
        continue;
      }
      const f = k.off === 20 ? fieldsOf('ip', k, [['sport', 0, 16], ['dport', 2, 16]]) : k.off === 8 ? fieldsOf('ip', k, [['protocol', 1, 8]]) : k.off === 0 ? fieldsOf('ip', k, [['tos', 1, 8]]) : undefined;
      out.push(...(f ?? [raw(k)]));
      continue;
    }
    // IPv6: an address is a run of keys on consecutive words, full masks then a prefix mask.
    if ((k.off === 8 || k.off === 24) && prefixLength(k.mask) > 0 && (k.val & ~k.mask) === 0) {
      const bytes = new Uint8Array(16);
      let len = 0;
      let j = i;
      for (; j < keys.length && j - i < 4; j++) {
        const x = keys[j];
        const l = prefixLength(x.mask);
        if (x.offmask !== 0 || x.off !== k.off + (j - i) * 4 || l <= 0 || (x.val & ~x.mask) !== 0 || (j > i && len % 32 !== 0)) break;
        new DataView(bytes.buffer).setUint32((j - i) * 4, x.val >>> 0);
        len += l;
      }
      out.push({ type: 'ip6', field: k.off === 8 ? 'src' : 'dst', prefix: `${formatIPv6(bytes, 0)}/${len}` });
      i = j - 1;
      continue;
    }
    const f = k.off === 40 ? fieldsOf('ip6', k, [['sport', 0, 16], ['dport', 2, 16]]) : k.off === 4 ? fieldsOf('ip6', k, [['protocol', 2, 8]]) : undefined;
    out.push(...(f ?? [raw(k)]));
  }
  return out;
}
