// `ip -o link show` and `ip -o addr show` lines, made from the `ip -j` shaped objects of
// ipjson.ts as iproute2 6.1 prints them (ip/ipaddress.c print_linkinfo and print_addrinfo, with
// `-o` turning each line break into a backslash: every object stays on one line).

import type { LinkStats } from '../index.js';
import type { IpJson, IpJsonObject } from './ipjson.js';
import { briefName } from './brief.js';
import { addressColor, familyColor, operstateColor, plain, type Paint } from './color.js';

/** ip's line break under `-o`. */
const SL = '\\';

/** IFA_CACHEINFO's "forever". */
const FOREVER = 4294967295;

/** The flag names `addr_info` holds as booleans, in the order print_ifa_flags prints them. */
const ADDRESS_FLAG_WORDS: ReadonlySet<string> = new Set([
  'secondary',
  'temporary',
  'nodad',
  'optimistic',
  'dadfailed',
  'home',
  'deprecated',
  'tentative',
  'dynamic',
  'mngtmpaddr',
  'noprefixroute',
  'autojoin',
  'stable-privacy',
]);

/**
 * A link as one line of `ip -o link show`, from `linkToIpJson` without details. `netnsName`
 * names the namespace a `link_netnsid` stands for (ip prints `link-netns NAME` then, as it finds
 * it under /run/netns), or gives undefined (`link-netnsid N`). `stats` is the counters' text
 * ({@link linkStatsText}) for `-s`. `paint` gives `-c`'s colours.
 */
export function linkLine(o: IpJsonObject, netnsName: (nsid: number) => string | undefined, stats?: string, paint: Paint = plain): string {
  const flags = ((o.flags as string[] | undefined) ?? []).filter((f) => f !== 'M-DOWN');
  const mdown = ((o.flags as string[] | undefined) ?? []).includes('M-DOWN');
  let s = `${String(o.ifindex)}: ${paint(`${briefName(o)}: `, 'ifname')}<${flags.join(',')}${mdown ? ',M-DOWN' : ''}> `;
  if (o.mtu !== undefined) s += `mtu ${String(o.mtu)} `;
  if (o.qdisc !== undefined) s += `qdisc ${String(o.qdisc)} `;
  if (o.master !== undefined) s += `master ${String(o.master)} `;
  // print_operstate: a state ip has no name for is printed as `state 0x%x`.
  if (typeof o.operstate === 'number') s += `state 0x${o.operstate.toString(16)}`;
  else if (o.operstate !== undefined) s += `state ${paint(`${String(o.operstate)} `, operstateColor(o.operstate))}`;
  if (o.linkmode !== undefined) s += `mode ${String(o.linkmode)} `;
  if (o.group !== undefined) s += `group ${String(o.group)} `;
  // print_queuelen: no `qlen` for a queue length of 0 (and no space after it).
  if (typeof o.txqlen === 'number' && o.txqlen !== 0) s += `qlen ${String(o.txqlen)}`;
  if (o.link_type !== undefined) {
    s += `${SL}    link/${String(o.link_type)} `;
    if (o.address !== undefined) s += paint(String(o.address), 'mac');
    if (o.broadcast !== undefined) s += `${o.link_pointtopoint === true ? ' peer ' : ' brd '}${paint(String(o.broadcast), 'mac')}`;
    // ip prints the permanent address only where it differs from the current one.
    if (o.permaddr !== undefined && o.permaddr !== o.address) s += ` permaddr ${paint(String(o.permaddr), 'mac')}`;
  }
  if (typeof o.link_netnsid === 'number') {
    const id = o.link_netnsid;
    const name = id >= 0 ? netnsName(id) : undefined;
    s += name !== undefined ? ` link-netns ${name}` : ` link-netnsid ${id >= 0 ? String(id) : 'unknown'}`;
  }
  if (o.proto_down === true) s += ' protodown on ';
  if (Array.isArray(o.proto_down_reason)) s += `protodown_reason <${o.proto_down_reason.map(String).join(',')}>`;
  if (o.ifalias !== undefined) s += `${SL}    alias ${String(o.ifalias)}`;
  if (stats !== undefined) s += `${SL}${stats}`;
  for (const alt of (o.altnames as IpJson[] | undefined) ?? []) s += `${SL}    altname ${String(alt)}`;
  return s;
}

/** A lifetime as print_addrinfo prints it: `forever` or `Nsec` (signed when deprecated). */
function lifetime(v: IpJson | undefined, signed: boolean): string {
  if (v === undefined || v === FOREVER) return 'forever';
  const n = Number(v);
  return `${signed && n >= 0x80000000 ? n - 0x100000000 : n}sec`;
}

/**
 * One address (an `addr_info` entry of `addressToIpJson`) of link `ifindex` named `dev`, as one
 * line of `ip -o addr show` (`paint` gives `-c`'s colours: the addresses in their family's).
 */
export function addressLine(ifindex: number, dev: string, a: IpJsonObject, paint: Paint = plain): string {
  const fam = familyColor(a.family);
  let s = `${ifindex}: ${dev}    ${String(a.family)} `;
  s += `${paint(String(a.local), fam)}${a.address !== undefined ? ` peer ${paint(String(a.address), fam)}` : ''}/${String(a.prefixlen)} `;
  if (a.metric !== undefined) s += `metric ${String(a.metric)} `;
  if (a.broadcast !== undefined) s += `brd ${paint(`${String(a.broadcast)} `, fam)}`;
  if (a.anycast !== undefined) s += `any ${paint(`${String(a.anycast)} `, fam)}`;
  s += `scope ${String(a.scope)} `;
  // The flags in the order addressToIpJson put them, which is print_ifa_flags' order.
  for (const [k, v] of Object.entries(a)) if (v === true && ADDRESS_FLAG_WORDS.has(k)) s += `${k} `;
  if (a.ifa_flags !== undefined) s += `flags ${String(a.ifa_flags)} `;
  if (a.label !== undefined) s += String(a.label);
  s += `${SL}       valid_lft ${lifetime(a.valid_life_time, false)} preferred_lft ${lifetime(a.preferred_life_time, a.deprecated === true)}`;
  return s;
}

/** `word value ` for a key present (the key alone for `null`/`true`), as ip's `word %s `. */
function word(o: IpJsonObject, key: string, w: string): string {
  const v = o[key];
  if (v === undefined) return '';
  return v === null || v === true ? `${w} ` : `${w} ${String(v)} `;
}

/** An address or prefix in its family's colour, with ip's blank after it (inside the colour). */
function host(text: string, paint: Paint): string {
  return paint(`${text} `, addressColor(text));
}

/**
 * A route (`routeToIpJson`) as one line of `ip -o route show`, in print_route's order: each field
 * ends with a blank but the IPv6 preference; a multipath route's paths each on a `-o` line break
 * and a tab. `paint` gives `-c`'s colours: destination, source prefix, gateways and preferred
 * source in their family's, the device (not a path's) as an interface name.
 */
export function routeLine(o: IpJsonObject, paint: Paint = plain): string {
  let s = o.type !== undefined ? `${String(o.type)} ` : '';
  const dst = String(o.dst);
  // print_route colours a destination only when it has one (not `default`).
  s += dst === 'default' ? `${dst} ` : host(dst, paint);
  if (o.from !== undefined) s += paint(`from ${String(o.from)} `, addressColor(String(o.from)));
  s += word(o, 'nhid', 'nhid') + word(o, 'tos', 'tos');
  if (typeof o.gateway === 'string') s += `via ${host(o.gateway, paint)}`;
  const via = o.via as IpJsonObject | undefined;
  if (via !== undefined && via !== null && typeof via === 'object') s += `via ${String(via.family)} ${paint(`${String(via.host)} `, familyColor(via.family))}`;
  if (o.dev !== undefined) s += `dev ${paint(`${String(o.dev)} `, 'ifname')}`;
  s += word(o, 'table', 'table') + word(o, 'protocol', 'proto') + word(o, 'scope', 'scope');
  if (o.prefsrc !== undefined) s += `src ${host(String(o.prefsrc), paint)}`;
  s += word(o, 'metric', 'metric');
  if (Array.isArray(o.flags)) for (const f of o.flags) s += `${String(f)} `;
  s += word(o, 'mark', 'mark');
  if (o.iif !== undefined) s += `iif ${paint(`${String(o.iif)} `, 'ifname')}`;
  if (o.pref !== undefined) s += `pref ${String(o.pref)}`;
  if (Array.isArray(o.nexthops)) {
    for (const nh of o.nexthops as IpJsonObject[]) {
      s += `${SL}\tnexthop `;
      if (typeof nh.gateway === 'string') s += `via ${host(nh.gateway, paint)}`;
      s += word(nh, 'dev', 'dev') + word(nh, 'weight', 'weight');
      if (Array.isArray(nh.flags)) for (const f of nh.flags) s += `${String(f)} `;
    }
  }
  return s;
}

/**
 * A neighbour (`neighbourToIpJson`) as one line of `ip -o neigh show`; `paint` gives `-c`'s
 * colours: the address in its family's, the device as an interface name, the MAC address.
 */
export function neighLine(o: IpJsonObject, paint: Paint = plain): string {
  let s = o.dst !== undefined ? host(String(o.dst), paint) : '';
  if (o.dev !== undefined) s += `dev ${paint(`${String(o.dev)} `, 'ifname')}`;
  if (o.lladdr !== undefined) s += `lladdr ${paint(`${String(o.lladdr)} `, 'mac')}`;
  for (const f of ['router', 'proxy', 'extern_learn', 'offload', 'managed']) s += word(o, f, f);
  if (Array.isArray(o.state)) for (const st of o.state) s += `${String(st)} `;
  s += word(o, 'protocol', 'proto');
  return s;
}

/** `%*s`: right-aligned in `width` (never cut). */
function right(text: string, width: number): string {
  return text.padStart(width);
}

/**
 * A link's counters as print_stats64 prints them under `-o` (`level` 2 for `-s -s`): the RX and
 * TX headers and rows, columns as wide as the widest number (size_columns, quirks included: the
 * TX error counters widen the columns one to the right of the ones they are printed in).
 */
export function linkStatsText(st: LinkStats, level: number, carrierChanges: number | undefined): string {
  const v = (x: bigint | number | undefined): bigint => BigInt(x ?? 0);
  const s = {
    rxBytes: v(st.rxBytes), rxPackets: v(st.rxPackets), rxErrors: v(st.rxErrors), rxDropped: v(st.rxDropped), rxMissed: v(st.rxMissedErrors),
    multicast: v(st.multicast), rxCompressed: v(st.rxCompressed), rxLength: v(st.rxLengthErrors), rxCrc: v(st.rxCrcErrors), rxFrame: v(st.rxFrameErrors),
    rxFifo: v(st.rxFifoErrors), rxOver: v(st.rxOverErrors), rxNohandler: v(st.rxNohandler), rxOtherhost: v(st.rxOtherhostDropped),
    txBytes: v(st.txBytes), txPackets: v(st.txPackets), txErrors: v(st.txErrors), txDropped: v(st.txDropped), txCarrier: v(st.txCarrierErrors),
    collisions: v(st.collisions), txCompressed: v(st.txCompressed), txAborted: v(st.txAbortedErrors), txFifo: v(st.txFifoErrors),
    txWindow: v(st.txWindowErrors), txHeartbeat: v(st.txHeartbeatErrors),
  };
  const cc = carrierChanges === undefined ? undefined : BigInt(carrierChanges);
  const cols = ['*X errors:'.length, 'packets'.length, 'errors'.length, 'dropped'.length, 'heartbt'.length, 'overrun'.length, 'compressed'.length, 'otherhost'.length];
  const size = (...vals: bigint[]): void => {
    vals.forEach((x, i) => (cols[i] = Math.max(cols[i], String(x).length)));
  };
  const num = (width: number, x: bigint): string => `${right(String(x), width)} `;
  size(s.rxBytes, s.rxPackets, s.rxErrors, s.rxDropped, s.rxMissed, s.multicast, s.rxCompressed, 0n);
  if (level > 1) size(0n, s.rxLength, s.rxCrc, s.rxFrame, s.rxFifo, s.rxOver, s.rxNohandler, s.rxOtherhost);
  size(s.txBytes, s.txPackets, s.txErrors, s.txDropped, s.txCarrier, s.collisions, s.txCompressed, 0n);
  if (level > 1) size(0n, 0n, s.txAborted, s.txFifo, s.txWindow, s.txHeartbeat, cc ?? 0n, 0n);

  const head = (dir: string, words: string[], compressed: boolean): string =>
    `    ${dir}: ${right('bytes', cols[0] - 4)} ${words.map((w, i) => right(w, cols[i + 1])).join(' ')} ${right(compressed ? 'compressed' : '', cols[6])}${SL}`;
  let out = head('RX', ['packets', 'errors', 'dropped', 'missed', 'mcast'], s.rxCompressed !== 0n);
  out += `    ${[s.rxBytes, s.rxPackets, s.rxErrors, s.rxDropped, s.rxMissed, s.multicast].map((x, i) => num(cols[i], x)).join('')}`;
  if (s.rxCompressed !== 0n) out += num(cols[6], s.rxCompressed);
  if (level > 1) {
    out += `${SL}    RX errors:${right('', cols[0] - 10)} ${right('length', cols[1])} ${right('crc', cols[2])} ${right('frame', cols[3])} ${right('fifo', cols[4])} ${right('overrun', cols[5])}`;
    out += `${s.rxNohandler !== 0n ? right(' nohandler', cols[6] + 1) : ''}${s.rxOtherhost !== 0n ? right(' otherhost', cols[7] + 1) : ''}${SL}`;
    out += right('', cols[0] + 5);
    out += [s.rxLength, s.rxCrc, s.rxFrame, s.rxFifo, s.rxOver].map((x, i) => num(cols[i + 1], x)).join('');
    if (s.rxNohandler !== 0n) out += num(cols[6], s.rxNohandler);
    if (s.rxOtherhost !== 0n) out += num(cols[7], s.rxOtherhost);
  }
  out += SL;
  out += head('TX', ['packets', 'errors', 'dropped', 'carrier', 'collsns'], s.txCompressed !== 0n);
  out += `    ${[s.txBytes, s.txPackets, s.txErrors, s.txDropped, s.txCarrier, s.collisions].map((x, i) => num(cols[i], x)).join('')}`;
  if (s.txCompressed !== 0n) out += num(cols[6], s.txCompressed);
  if (level > 1) {
    out += `${SL}    TX errors:${right('', cols[0] - 10)} ${right('aborted', cols[1])} ${right('fifo', cols[2])} ${right('window', cols[3])} ${right('heartbt', cols[4])} ${right(cc !== undefined ? 'transns' : '', cols[5])}${SL}`;
    out += right('', cols[0] + 5);
    out += [s.txAborted, s.txFifo, s.txWindow, s.txHeartbeat].map((x, i) => num(cols[i + 1], x)).join('');
    if (cc !== undefined) out += num(cols[5], cc);
  }
  return out;
}
