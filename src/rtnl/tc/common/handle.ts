// Traffic-control handles (32-bit "major:minor" ids of qdiscs, classes and filter parents) as
// users write them, and their kernel numbers (TC_H_* of <linux/pkt_sched.h>).

import { InvalidArgumentError } from '../../../netlink/errors.js';

/** TC_H_ROOT: the root of a device's egress tree. */
export const TC_H_ROOT = 0xffffffff;
/** TC_H_INGRESS (= TC_H_CLSACT): where the ingress and clsact qdiscs attach. */
export const TC_H_INGRESS = 0xfffffff1;
/** TC_H_MIN_INGRESS under ffff: — the ingress hook of a clsact (or ingress) qdisc, for filters. */
export const TC_H_INGRESS_FILTERS = 0xfffffff2;
/** TC_H_MIN_EGRESS under ffff: — the egress hook of a clsact qdisc, for filters. */
export const TC_H_EGRESS_FILTERS = 0xfffffff3;

/**
 * A traffic-control handle as `tc` users write it: `'1:'` (major 1, minor 0: a qdisc), `'1:10'`
 * (a class; both halves hexadecimal), `':10'`, `'root'`, `'none'` (0), `'ingress'` / `'clsact'`
 * (ffff:fff1, where those qdiscs attach) or `'ffff:fff1'`, or its 32-bit number.
 */
export type TcHandle = string | number;

const HEX = /^[0-9a-fA-F]{1,4}$/;

/**
 * The number of a handle, as `tc` reads `handle`, `parent` and `classid` arguments (`get_tc_classid`).
 * Filter parents also take `'ingress'` (ffff:fff2) and `'egress'` (ffff:fff3) when `filterParent`.
 * @throws {@link InvalidArgumentError} naming `field` for anything else.
 */
export function parseHandle(value: TcHandle, field: string, options: { filterParent?: boolean } = {}): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new InvalidArgumentError(field, `${value} is not a 32-bit handle`);
    return value;
  }
  if (typeof value !== 'string') throw new InvalidArgumentError(field, `expected a handle such as '1:', '1:10' or 'root', got ${typeof value}`);
  const text = value.trim().toLowerCase();
  if (text === 'root') return TC_H_ROOT;
  if (text === 'none') return 0;
  if (text === 'ingress') return options.filterParent ? TC_H_INGRESS_FILTERS : TC_H_INGRESS;
  if (text === 'clsact') return TC_H_INGRESS;
  if (text === 'egress' && options.filterParent) return TC_H_EGRESS_FILTERS;
  const colon = text.indexOf(':');
  const bad = (): InvalidArgumentError =>
    new InvalidArgumentError(field, `${JSON.stringify(value)} is not a handle; expected 'major:' or 'major:minor' in hexadecimal (each at most ffff), 'root', 'none', 'ingress' or 'clsact'`);
  if (colon < 0 || text.indexOf(':', colon + 1) >= 0) throw bad();
  const maj = text.slice(0, colon);
  const min = text.slice(colon + 1);
  if ((maj !== '' && !HEX.test(maj)) || (min !== '' && !HEX.test(min)) || (maj === '' && min === '')) throw bad();
  return ((maj === '' ? 0 : parseInt(maj, 16)) * 0x10000 + (min === '' ? 0 : parseInt(min, 16))) >>> 0;
}

/**
 * A handle as `tc` prints a class id or a parent (`print_tc_classid`): `'root'`, `'none'` (0),
 * `':10'`, `'1:'` or `'1:10'`.
 */
export function formatHandle(h: number): string {
  if (h === TC_H_ROOT) return 'root';
  if (h === 0) return 'none';
  const maj = h >>> 16;
  const min = h & 0xffff;
  if (maj === 0) return `:${min.toString(16)}`;
  if (min === 0) return `${maj.toString(16)}:`;
  return `${maj.toString(16)}:${min.toString(16)}`;
}

/** A qdisc's own handle as `tc qdisc show` prints it: the major number, `'8001:'` (`'0:'` for the kernel's default qdiscs). */
export function formatQdiscHandle(h: number): string {
  return `${(h >>> 16).toString(16)}:`;
}
