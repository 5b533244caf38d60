// The one pure mapping between a class message (struct tcmsg + TCA_* attributes) and the
// TrafficClass model. Interface names are resolved to indexes by the operations class first.

import { InvalidArgumentError } from '../../../netlink/errors.js';
import { checkKeys, checkObject } from '../../common/model.js';
import { formatHandle, formatQdiscHandle, parseHandle, TC_H_ROOT } from '../common/handle.js';
import { plainNumbers, statsFromWire } from '../common/stats.js';
import { tcHeader, type TcWire } from '../common/wire.js';
import { rawOptions } from '../qdisc/mapping.js';
import { CLASS_OPTIONS } from './options.js';
import type { TrafficClass, TrafficClassSpec } from './model.js';

/** The keys a class spec may have. */
export const CLASS_KEYS: ReadonlySet<string> = new Set(['link', 'kind', 'handle', 'parent', 'options', 'leaf', 'stats', 'xstats']);

/** A class spec whose interface is an index. */
export type ResolvedClassSpec = Omit<TrafficClassSpec, 'link'> & { link: number };

/** The TrafficClass model of a decoded class message. */
export function classFromWire(w: TcWire): TrafficClass {
  const kind = w.kind ?? '';
  const c: TrafficClass = { link: w.ifindex, kind, handle: formatHandle(w.handle), parent: formatHandle(w.parent) };
  const o = w.options;
  if (o !== undefined) {
    const m = Object.hasOwn(CLASS_OPTIONS, kind) ? CLASS_OPTIONS[kind] : undefined;
    c.options = o instanceof Uint8Array ? o : m ? m.fromWire(o) : rawOptions(kind, o);
  }
  // tcm_info of a class is the handle of the qdisc attached to it (htb_dump_class).
  if (w.info !== 0) c.leaf = formatQdiscHandle(w.info);
  const stats = statsFromWire(w.stats2, w.stats);
  if (stats) c.stats = stats;
  const x = plainNumbers(w.xstats);
  if (x !== undefined) c.xstats = x;
  return c;
}

/** The kernel numbers of a spec's class id and parent. */
export function classIds(spec: Pick<TrafficClassSpec, 'handle' | 'parent'>): { handle: number; parent: number } {
  if (spec.handle === undefined) throw new InvalidArgumentError('handle', "name the class id ('1:10')");
  const handle = parseHandle(spec.handle, 'handle');
  if (handle === TC_H_ROOT || (handle & 0xffff) === 0) throw new InvalidArgumentError('handle', `a class id has a minor number ('1:10'), got ${JSON.stringify(spec.handle)}`);
  // No parent: 0, as tc sends it (the kernel then puts a new class directly under its qdisc).
  const parent = spec.parent === undefined ? 0 : parseHandle(spec.parent, 'parent');
  return { handle, parent };
}

/**
 * The wire message of a class spec (a request: read-only facts such as counters are not sent).
 * @throws {@link InvalidArgumentError} for unknown keys, malformed handles, rates or options.
 */
export function classToWire(spec: ResolvedClassSpec): TcWire {
  checkObject(spec, 'class', 'a class spec');
  checkKeys(spec, CLASS_KEYS);
  const { handle, parent } = classIds(spec);
  const w = tcHeader(spec.link, handle, parent);
  if (spec.kind !== undefined) {
    if (typeof spec.kind !== 'string' || spec.kind === '' || spec.kind.length > 15) throw new InvalidArgumentError('kind', `expected a class kind such as htb, got ${JSON.stringify(spec.kind)}`);
    w.kind = spec.kind;
  }
  const o = spec.options;
  if (o !== undefined) {
    if (o instanceof Uint8Array) w.options = o;
    else {
      checkObject(o, 'options', 'an options object');
      const m = spec.kind !== undefined && Object.hasOwn(CLASS_OPTIONS, spec.kind) ? CLASS_OPTIONS[spec.kind] : undefined;
      if (!m) throw new InvalidArgumentError('options', `no options model for class kind ${JSON.stringify(spec.kind)}; pass the TCA_OPTIONS payload as a Uint8Array`);
      checkKeys(o, m.keys, 'options.');
      w.options = m.toWire(o, 'options') as TcWire['options'];
    }
  }
  return w;
}
