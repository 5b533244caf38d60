// `ip -o link show` and `ip -o addr show` lines, made from the `ip -j` shaped objects of
// ipjson.ts as iproute2 6.1 prints them (ip/ipaddress.c print_linkinfo and print_addrinfo, with
// `-o` turning each line break into a backslash: every object stays on one line).

import type { LinkStats } from '../index.js';
import type { IpJson, IpJsonObject } from './ipjson.js';
import { briefName } from './brief.js';

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
 * ({@link linkStatsText}) for `-s`.
 */
export function linkLine(o: IpJsonObject, netnsName: (nsid: number) => string | undefined, stats?: string): string {
  const flags = ((o.flags as string[] | undefined) ?? []).filter((f) => f !== 'M-DOWN');
  const mdown = ((o.flags as string[] | undefined) ?? []).includes('M-DOWN');
  let s = `${String(o.ifindex)}: ${briefName(o)}: <${flags.join(',')}${mdown ? ',M-DOWN' : ''}> `;
  if (o.mtu !== undefined) s += `mtu ${String(o.mtu)} `;
  if (o.qdisc !== undefined) s += `qdisc ${String(o.qdisc)} `;
  if (o.master !== undefined) s += `master ${String(o.master)} `;
  // print_operstate: a state ip has no name for is printed as `state 0x%x`.
  if (typeof o.operstate === 'number') s += `state 0x${o.operstate.toString(16)}`;
  else if (o.operstate !== undefined) s += `state ${String(o.operstate)} `;
  if (o.linkmode !== undefined) s += `mode ${String(o.linkmode)} `;
  if (o.group !== undefined) s += `group ${String(o.group)} `;
  // print_queuelen: no `qlen` for a queue length of 0 (and no space after it).
  if (typeof o.txqlen === 'number' && o.txqlen !== 0) s += `qlen ${String(o.txqlen)}`;
  if (o.link_type !== undefined) {
    s += `${SL}    link/${String(o.link_type)} `;
    if (o.address !== undefined) s += String(o.address);
    if (o.broadcast !== undefined) s += `${o.link_pointtopoint === true ? ' peer ' : ' brd '}${String(o.broadcast)}`;
    // ip prints the permanent address only where it differs from the current one.
    if (o.permaddr !== undefined && o.permaddr !== o.address) s += ` permaddr ${String(o.permaddr)}`;
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
 * line of `ip -o addr show`.
 */
export function addressLine(ifindex: number, dev: string, a: IpJsonObject): string {
  let s = `${ifindex}: ${dev}    ${String(a.family)} `;
  s += `${String(a.local)}${a.address !== undefined ? ` peer ${String(a.address)}` : ''}/${String(a.prefixlen)} `;
  if (a.metric !== undefined) s += `metric ${String(a.metric)} `;
  if (a.broadcast !== undefined) s += `brd ${String(a.broadcast)} `;
  if (a.anycast !== undefined) s += `any ${String(a.anycast)} `;
  s += `scope ${String(a.scope)} `;
  // The flags in the order addressToIpJson put them, which is print_ifa_flags' order.
  for (const [k, v] of Object.entries(a)) if (v === true && ADDRESS_FLAG_WORDS.has(k)) s += `${k} `;
  if (a.ifa_flags !== undefined) s += `flags ${String(a.ifa_flags)} `;
  if (a.label !== undefined) s += String(a.label);
  s += `${SL}       valid_lft ${lifetime(a.valid_life_time, false)} preferred_lft ${lifetime(a.preferred_life_time, a.deprecated === true)}`;
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
