// The one pure mapping between a qdisc message (struct tcmsg + TCA_* attributes) and the Qdisc
// model. Interface names are resolved to indexes by the operations class before toWire.

import { InvalidArgumentError } from '../../../netlink/errors.js';
import { checkKeys, checkObject } from '../../common/model.js';
import { formatHandle, formatQdiscHandle, parseHandle, TC_H_INGRESS, TC_H_ROOT } from '../common/handle.js';
import { plainNumbers, statsFromWire } from '../common/stats.js';
import { tcHeader, type TcWire } from '../common/wire.js';
import type { Qdisc, QdiscSpec } from './model.js';
import { EMPTY_OPTIONS_KINDS, QDISC_OPTIONS } from './options.js';
import { encodeWith, type Codec } from '../../../netlink/schema/index.js';
import { optionsMsg } from '../../generated/tc.js';

/** The keys a qdisc spec may have. */
export const QDISC_KEYS: ReadonlySet<string> = new Set(['link', 'kind', 'handle', 'parent', 'options', 'ingressBlock', 'egressBlock', 'offloaded', 'refcount', 'stats', 'xstats']);

/** A qdisc spec whose interface is an index. */
export type ResolvedQdiscSpec = Omit<QdiscSpec, 'link'> & { link: number };

/**
 * The TCA_OPTIONS payload of a kind the model has no options for, as bytes (the codec decodes
 * some such kinds; the model keeps them raw so that they are sent back byte for byte).
 */
export function rawOptions(kind: string, value: unknown): Uint8Array {
  const codec = optionsMsg as unknown as Codec<unknown>;
  const w = encodeWith({ kind: 'options', encode: (wr, v, ctx) => codec.encode(wr, v, ctx, { kind }), decode: () => undefined } as Codec<unknown>, value);
  return w;
}

/** The Qdisc model of a decoded qdisc message. */
export function qdiscFromWire(w: TcWire): Qdisc {
  const kind = w.kind ?? '';
  const q: Qdisc = { link: w.ifindex, kind, handle: formatQdiscHandle(w.handle), parent: formatHandle(w.parent) };
  const o = w.options;
  if (o !== undefined && !(EMPTY_OPTIONS_KINDS.has(kind) && o instanceof Uint8Array && o.length === 0)) {
    const m = Object.hasOwn(QDISC_OPTIONS, kind) ? QDISC_OPTIONS[kind] : undefined;
    q.options = o instanceof Uint8Array ? o : m ? m.fromWire(o) : rawOptions(kind, o);
  }
  if (w.ingressBlock !== undefined) q.ingressBlock = w.ingressBlock;
  if (w.egressBlock !== undefined) q.egressBlock = w.egressBlock;
  if (w.hwOffload !== undefined && w.hwOffload !== 0) q.offloaded = true;
  q.refcount = w.info;
  const stats = statsFromWire(w.stats2, w.stats);
  if (stats) q.stats = stats;
  const x = plainNumbers(w.xstats);
  if (x !== undefined) q.xstats = x;
  return q;
}

/** The kernel numbers of a spec's handle and parent, with the defaults tc uses per kind. */
export function qdiscIds(spec: Pick<QdiscSpec, 'kind' | 'handle' | 'parent'>): { handle: number; parent: number } {
  const special = spec.kind !== undefined && EMPTY_OPTIONS_KINDS.has(spec.kind);
  const parent = spec.parent === undefined ? (special ? TC_H_INGRESS : TC_H_ROOT) : parseHandle(spec.parent, 'parent');
  const handle = spec.handle === undefined ? (special ? 0xffff0000 : 0) : parseHandle(spec.handle, 'handle');
  if ((handle & 0xffff) !== 0) throw new InvalidArgumentError('handle', `a qdisc handle has no minor number (write '${formatQdiscHandle(handle)}')`);
  return { handle, parent };
}

/**
 * The wire message of a qdisc spec (a request: read-only facts such as counters are not sent).
 * @throws {@link InvalidArgumentError} for unknown keys, malformed handles, rates or options.
 */
export function qdiscToWire(spec: ResolvedQdiscSpec): TcWire {
  checkObject(spec, 'qdisc', 'a qdisc spec');
  checkKeys(spec, QDISC_KEYS);
  const { handle, parent } = qdiscIds(spec);
  const w = tcHeader(spec.link, handle, parent);
  if (spec.kind !== undefined) {
    if (typeof spec.kind !== 'string' || spec.kind === '' || spec.kind.length > 15) throw new InvalidArgumentError('kind', `expected a qdisc kind such as htb or tbf, got ${JSON.stringify(spec.kind)}`);
    w.kind = spec.kind;
  }
  const o = spec.options;
  if (o !== undefined) {
    if (o instanceof Uint8Array) w.options = o;
    else {
      checkObject(o, 'options', 'an options object');
      const m = spec.kind !== undefined && Object.hasOwn(QDISC_OPTIONS, spec.kind) ? QDISC_OPTIONS[spec.kind] : undefined;
      if (!m) throw new InvalidArgumentError('options', `no options model for kind ${JSON.stringify(spec.kind)}; pass the TCA_OPTIONS payload as a Uint8Array`);
      checkKeys(o, m.keys, 'options.');
      const v = m.toWire(o, 'options');
      if (v !== undefined) w.options = v as TcWire['options'];
    }
  } else if (spec.kind === 'tbf' || spec.kind === 'htb') {
    const v = QDISC_OPTIONS[spec.kind].toWire({}, 'options');
    if (v !== undefined) w.options = v as TcWire['options'];
  }
  if (spec.ingressBlock !== undefined) w.ingressBlock = spec.ingressBlock;
  if (spec.egressBlock !== undefined) w.egressBlock = spec.egressBlock;
  return w;
}
