// `ip -s` counters and `ip -br` lines (with `-c` colours), made from the model as ip prints them.

import type { LinkStats } from '../index.js';
import type { IpJsonObject } from './ipjson.js';

/** A counter as a JSON number, as ip prints it (exact up to 2^53). */
function n(v: bigint | number | undefined): number {
  return Number(v ?? 0);
}

/**
 * A link's counters as `ip -s -j` prints them (`stats64`: `rx` and `tx`); with `level` 2 (`-s -s`)
 * the error counters too.
 */
export function statsToIpJson(s: LinkStats, level: number, carrierChanges: number | undefined): IpJsonObject {
  const rx: IpJsonObject = { bytes: n(s.rxBytes), packets: n(s.rxPackets), errors: n(s.rxErrors), dropped: n(s.rxDropped), over_errors: n(s.rxOverErrors), multicast: n(s.multicast) };
  if (n(s.rxCompressed)) rx.compressed = n(s.rxCompressed);
  if (level > 1) {
    Object.assign(rx, { length_errors: n(s.rxLengthErrors), crc_errors: n(s.rxCrcErrors), frame_errors: n(s.rxFrameErrors), fifo_errors: n(s.rxFifoErrors), missed_errors: n(s.rxMissedErrors) });
    if (n(s.rxNohandler)) rx.nohandler = n(s.rxNohandler);
    if (n(s.rxOtherhostDropped)) rx.otherhost = n(s.rxOtherhostDropped);
  }
  const tx: IpJsonObject = { bytes: n(s.txBytes), packets: n(s.txPackets), errors: n(s.txErrors), dropped: n(s.txDropped), carrier_errors: n(s.txCarrierErrors), collisions: n(s.collisions) };
  if (n(s.txCompressed)) tx.compressed = n(s.txCompressed);
  if (level > 1) {
    Object.assign(tx, { aborted_errors: n(s.txAbortedErrors), fifo_errors: n(s.txFifoErrors), window_errors: n(s.txWindowErrors), heartbeat_errors: n(s.txHeartbeatErrors) });
    if (carrierChanges !== undefined) tx.carrier_changes = carrierChanges;
  }
  return { rx, tx };
}

/** Table columns for `-s` without -j: the main counters. */
export function statsCells(s: LinkStats | undefined): (string | undefined)[] {
  if (s === undefined) return [undefined, undefined, undefined, undefined];
  return [String(s.rxBytes), String(s.rxPackets), String(s.txBytes), String(s.txPackets)];
}

// ip's colours (lib/color.c, the default palette for a dark-on-light terminal): interface names
// cyan, MAC addresses yellow, IPv4 magenta, IPv6 blue, state UP green / DOWN red / other none.
const COLORS = { ifname: '\x1b[36m', mac: '\x1b[33m', inet: '\x1b[35m', inet6: '\x1b[34m', up: '\x1b[32m', down: '\x1b[31m', clear: '\x1b[0m' } as const;

/** Text in one of ip's colours (or plain when `color` is off). */
function paint(text: string, color: keyof typeof COLORS | undefined, on: boolean): string {
  return on && color !== undefined ? `${COLORS[color]}${text}${COLORS.clear}` : text;
}

/** A field padded to `width` as ip's `%-*s ` does (the colour spans the padding, as in ip). */
function field(text: string, width: number, color: keyof typeof COLORS | undefined, on: boolean): string {
  return paint(`${text.padEnd(width)} `, color, on);
}

function stateColor(state: string): keyof typeof COLORS | undefined {
  return state === 'UP' ? 'up' : state === 'DOWN' ? 'down' : undefined;
}

/** The name ip prints: `veth0@veth1`, `veth0@if5` (peer elsewhere), `veth0@NONE`. */
export function briefName(o: IpJsonObject): string {
  return o.link !== undefined ? `${String(o.ifname)}@${o.link === null ? 'NONE' : String(o.link)}` : o.link_index !== undefined ? `${String(o.ifname)}@if${String(o.link_index)}` : String(o.ifname);
}

/** A line of `ip -br link`: name, state, MAC and flags. */
export function briefLinkLine(o: IpJsonObject, color: boolean): string {
  const state = String(o.operstate);
  let out = field(briefName(o), 16, 'ifname', color) + field(state, 14, stateColor(state), color);
  if (o.address !== undefined) out += paint(`${String(o.address)} `, 'mac', color);
  out += `<${((o.flags as string[] | undefined) ?? []).join(',')}> `;
  return out;
}

/** A line of `ip -br addr`: name, state, and each address with its length. */
export function briefAddrLine(o: IpJsonObject, color: boolean): string {
  const state = String(o.operstate);
  let out = field(briefName(o), 16, 'ifname', color) + field(state, 14, stateColor(state), color);
  for (const a of (o.addr_info as IpJsonObject[] | undefined) ?? []) {
    const fam = a.family === 'inet6' ? 'inet6' : 'inet';
    out += `${paint(String(a.local), fam, color)}${a.address !== undefined ? ` peer ${paint(String(a.address), fam, color)}` : ''}/${String(a.prefixlen)} `;
    // print_addrinfo prints the address's route metric in brief lines too.
    if (a.metric !== undefined) out += `metric ${String(a.metric)} `;
  }
  return out;
}

/** `ip -br -j link`: the four fields. */
export function briefLinkJson(o: IpJsonObject): IpJsonObject {
  const b: IpJsonObject = { ifname: o.ifname ?? null };
  if (o.link !== undefined) b.link = o.link;
  if (o.link_index !== undefined) b.link_index = o.link_index;
  b.operstate = o.operstate ?? null;
  if (o.address !== undefined) b.address = o.address;
  b.flags = o.flags ?? [];
  return b;
}

/** `ip -br -j addr`: name, state and each address's local and length. */
export function briefAddrJson(o: IpJsonObject): IpJsonObject {
  const b: IpJsonObject = { ifname: o.ifname ?? null };
  if (o.link !== undefined) b.link = o.link;
  if (o.link_index !== undefined) b.link_index = o.link_index;
  b.operstate = o.operstate ?? null;
  b.addr_info = ((o.addr_info as IpJsonObject[] | undefined) ?? []).map((a) => {
    const x: IpJsonObject = { local: a.local ?? null };
    if (a.address !== undefined) x.address = a.address;
    x.prefixlen = a.prefixlen ?? null;
    if (a.metric !== undefined) x.metric = a.metric;
    return x;
  });
  return b;
}
