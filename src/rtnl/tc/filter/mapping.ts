// The one pure mapping between a filter message (struct tcmsg + TCA_* attributes) and the Filter
// model: tcm_info's priority and protocol (in network order), handles as tc writes them, and the
// kind's options. Interface names (of the filter and of its actions) are resolved to indexes by
// the operations class first.

import { InvalidArgumentError } from '../../../netlink/errors.js';
import { checkKeys, checkObject } from '../../common/model.js';
import { formatHandle, parseHandle } from '../common/handle.js';
import { tcHeader, type TcWire } from '../common/wire.js';
import { rawOptions } from '../qdisc/mapping.js';
import type { Filter, FilterSpec } from './model.js';
import { FILTER_OPTIONS } from './options.js';
import { formatU32Handle, parseU32Handle } from './u32.js';

/** The keys a filter spec may have. */
export const FILTER_KEYS: ReadonlySet<string> = new Set(['link', 'parent', 'kind', 'protocol', 'priority', 'handle', 'chain', 'options']);

/** A filter spec whose interfaces are indexes. */
export type ResolvedFilterSpec = Omit<FilterSpec, 'link'> & { link: number };

/** Link-layer protocols by the names tc prints (lib/ll_proto.c). */
export const ETH_PROTOCOLS: Readonly<Record<string, number>> = {
  loop: 0x0060,
  ip: 0x0800,
  x25: 0x0805,
  arp: 0x0806,
  rarp: 0x8035,
  ipv6: 0x86dd,
  ppp_disc: 0x8863,
  ppp_ses: 0x8864,
  '802_3': 0x0001,
  ax25: 0x0002,
  all: 0x0003,
  '802_2': 0x0004,
  snap: 0x0005,
  can: 0x000c,
  '802.1Q': 0x8100,
  '802.1ad': 0x88a8,
  mpls_uc: 0x8847,
  mpls_mc: 0x8848,
  teb: 0x6558,
  aoe: 0x88a2,
  tipc: 0x88ca,
  lldp: 0x88cc,
};
const PROTOCOL_NAMES = new Map(Object.entries(ETH_PROTOCOLS).map(([k, v]) => [v, k]));

/** A protocol's name as tc prints it, or its number. */
export function protocolFromWire(p: number): string | number {
  return PROTOCOL_NAMES.get(p) ?? p;
}

/** The number of a protocol name (any case, `ipv4` for ip) or number. */
export function protocolToWire(p: string | number, field: string): number {
  if (typeof p === 'number') {
    if (!Number.isInteger(p) || p < 0 || p > 0xffff) throw new InvalidArgumentError(field, `${p} is not a 16-bit protocol number`);
    return p;
  }
  if (typeof p === 'string') {
    const t = p.toLowerCase();
    for (const [name, n] of Object.entries(ETH_PROTOCOLS)) if (name.toLowerCase() === t) return n;
    if (t === 'ipv4') return 0x0800;
    if (/^0x[0-9a-f]{1,4}$/.test(t)) return parseInt(t, 16);
  }
  throw new InvalidArgumentError(field, `${JSON.stringify(p)} is not a protocol; expected all, ip, ipv6, arp, 802.1Q, 802.1ad, ... or a number`);
}

/** The byte-swapped protocol of tcm_info's low 16 bits (it is in network order). */
const swap16 = (v: number): number => ((v & 0xff) << 8) | ((v >>> 8) & 0xff);

/** A filter handle as tc writes it for the kind. */
function formatFilterHandle(kind: string, h: number): string {
  return kind === 'u32' ? formatU32Handle(h) : `0x${h.toString(16)}`;
}

/** The number of a filter handle given for the kind. */
export function parseFilterHandle(kind: string | undefined, h: string | number, field: string): number {
  if (kind === 'u32' || (typeof h === 'string' && h.includes(':'))) return parseU32Handle(h, field);
  if (typeof h === 'number') return parseU32Handle(h, field);
  const t = typeof h === 'string' ? h.trim().toLowerCase() : '';
  if (!/^(0x[0-9a-f]{1,8}|[0-9]{1,10})$/.test(t) || Number(t) > 0xffffffff) throw new InvalidArgumentError(field, `${JSON.stringify(h)} is not a filter handle (a number, or '800::800' for u32)`);
  return Number(t);
}

/** The Filter model of a decoded filter message. */
export function filterFromWire(w: TcWire): Filter {
  const kind = w.kind ?? '';
  const protocol = swap16(w.info & 0xffff);
  const f: Filter = { link: w.ifindex, parent: formatHandle(w.parent), kind, protocol: protocolFromWire(protocol), priority: w.info >>> 16, chain: w.chain ?? 0 };
  if (w.handle !== 0) f.handle = formatFilterHandle(kind, w.handle);
  const o = w.options;
  if (o !== undefined) {
    const m = Object.hasOwn(FILTER_OPTIONS, kind) ? FILTER_OPTIONS[kind] : undefined;
    f.options = o instanceof Uint8Array ? o : m ? m.fromWire(o as Record<string, unknown>, protocol) : rawOptions(kind, o);
  }
  return f;
}

/** The kernel numbers of a spec's parent, handle and tcm_info (priority and protocol). */
export function filterIds(spec: Pick<FilterSpec, 'parent' | 'kind' | 'handle' | 'priority' | 'protocol'>): { parent: number; handle: number; info: number; protocol: number } {
  if (spec.parent === undefined) throw new InvalidArgumentError('parent', "name where the filter is attached ('1:', 'ffff:', 'ingress', 'egress')");
  const parent = parseHandle(spec.parent, 'parent', { filterParent: true });
  const handle = spec.handle === undefined ? 0 : parseFilterHandle(spec.kind, spec.handle, 'handle');
  const priority = spec.priority ?? 0;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 0xffff) throw new InvalidArgumentError('priority', `${String(priority)} is not a priority from 0 to 65535`);
  const protocol = protocolToWire(spec.protocol ?? 'all', 'protocol');
  return { parent, handle, info: ((priority << 16) | swap16(protocol)) >>> 0, protocol };
}

/**
 * The wire message of a filter spec (a request: read-only facts are not sent).
 * @throws {@link InvalidArgumentError} for unknown keys, malformed handles, matches or actions.
 */
export function filterToWire(spec: ResolvedFilterSpec): TcWire {
  checkObject(spec, 'filter', 'a filter spec');
  checkKeys(spec, FILTER_KEYS);
  const { parent, handle, info, protocol } = filterIds(spec);
  const w = tcHeader(spec.link, handle, parent, info);
  if (spec.kind !== undefined) {
    if (typeof spec.kind !== 'string' || spec.kind === '' || spec.kind.length > 15) throw new InvalidArgumentError('kind', `expected a filter kind such as u32, got ${JSON.stringify(spec.kind)}`);
    w.kind = spec.kind;
  }
  if (spec.chain !== undefined && spec.chain !== 0) {
    if (!Number.isInteger(spec.chain) || spec.chain < 0 || spec.chain > 0xffffffff) throw new InvalidArgumentError('chain', `${String(spec.chain)} is not a chain number`);
    w.chain = spec.chain;
  }
  const o = spec.options;
  if (o !== undefined) {
    if (o instanceof Uint8Array) w.options = o;
    else {
      checkObject(o, 'options', 'an options object');
      const m = spec.kind !== undefined && Object.hasOwn(FILTER_OPTIONS, spec.kind) ? FILTER_OPTIONS[spec.kind] : undefined;
      if (!m) throw new InvalidArgumentError('options', `no options model for filter kind ${JSON.stringify(spec.kind)}; pass the TCA_OPTIONS payload as a Uint8Array`);
      checkKeys(o, m.keys, 'options.');
      w.options = m.toWire(o, 'options', protocol) as TcWire['options'];
    }
  }
  return w;
}
