// One-line text for people, in iproute2's words, made from the `ip -j` shaped objects of
// ipjson.ts: table cells and `rtnl monitor` lines.

import type { IpJson, IpJsonObject } from './ipjson.js';

function str(v: IpJson | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v === null) return '';
  if (Array.isArray(v)) return v.map((x) => str(x) ?? '').join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Words `key value` for the keys present in `o`, in the order given; `null` values print the key alone. */
function words(o: IpJsonObject, keys: readonly (readonly [key: string, word: string | null])[]): string[] {
  const out: string[] = [];
  for (const [key, word] of keys) {
    const v = o[key];
    if (v === undefined) continue;
    if (v === null || v === true) out.push(word ?? key);
    else out.push(word === null ? (str(v) ?? '') : `${word} ${str(v) ?? ''}`);
  }
  return out;
}

/** The gateway part of a route or nexthop: `192.0.2.1`, `inet6 2001:db8::1` (via), or the paths of a multipath route. */
export function gatewayText(o: IpJsonObject): string | undefined {
  if (typeof o.gateway === 'string') return o.gateway;
  const via = o.via as IpJsonObject | undefined;
  if (via && typeof via === 'object') return `${String(via.family)} ${String(via.host)}`;
  if (Array.isArray(o.nexthops)) {
    return (o.nexthops as IpJsonObject[]).map((nh) => [gatewayText(nh) ?? '', nh.dev ? `dev ${String(nh.dev)}` : '', `weight ${String(nh.weight)}`].filter((x) => x !== '').join(' ')).join('; ');
  }
  return undefined;
}

/** Flags as `a,b` (undefined when none). */
export function flagsText(flags: IpJson | undefined): string | undefined {
  return Array.isArray(flags) && flags.length > 0 ? flags.map((f) => String(f)).join(',') : undefined;
}

/** A link, like the first line of `ip link show`. */
export function linkText(o: IpJsonObject): string {
  const name = `${String(o.ifname)}${o.link !== undefined ? `@${o.link === null ? 'NONE' : String(o.link)}` : ''}`;
  const rest = words(o, [
    ['mtu', 'mtu'],
    ['qdisc', 'qdisc'],
    ['master', 'master'],
    ['operstate', 'state'],
    ['group', 'group'],
  ]);
  const ll = o.address !== undefined ? [`link/${String(o.link_type)}`, String(o.address)] : [];
  return [`${String(o.ifindex)}: ${name}: <${(o.flags as string[] | undefined)?.join(',') ?? ''}>`, ...rest, ...ll].join(' ');
}

/** One address (an `addr_info` entry), like a line of `ip addr show`. */
export function addressText(a: IpJsonObject): string {
  const out = [String(a.family === 'inet' ? 'inet' : a.family === 'inet6' ? 'inet6' : a.family), `${String(a.local)}${a.address !== undefined ? ` peer ${String(a.address)}` : ''}/${String(a.prefixlen)}`];
  out.push(...words(a, [['broadcast', 'brd'], ['scope', 'scope']]));
  out.push(...addressFlags(a));
  if (a.label !== undefined) out.push(String(a.label));
  return out.join(' ');
}

const ADDR_FLAGS = ['secondary', 'temporary', 'dynamic', 'nodad', 'optimistic', 'dadfailed', 'home', 'deprecated', 'tentative', 'mngtmpaddr', 'noprefixroute', 'autojoin', 'stable-privacy'];

/** The boolean flags of an `addr_info` entry. */
export function addressFlags(a: IpJsonObject): string[] {
  return ADDR_FLAGS.filter((f) => a[f] === true);
}

/** An address lifetime in seconds as ip prints it (`forever` for 0xffffffff). */
export function lifetimeText(v: IpJson | undefined): string | undefined {
  if (v === undefined) return undefined;
  return v === 4294967295 ? 'forever' : `${String(v)}sec`;
}

/** A route, like a line of `ip route show`. */
export function routeText(o: IpJsonObject): string {
  const out: string[] = [];
  if (o.type !== undefined) out.push(String(o.type));
  out.push(String(o.dst));
  out.push(
    ...words(o, [
      ['from', 'from'],
      ['nhid', 'nhid'],
      ['tos', 'tos'],
      ['gateway', 'via'],
    ]),
  );
  if (o.via !== undefined) out.push(`via ${gatewayText({ via: o.via }) ?? ''}`);
  out.push(
    ...words(o, [
      ['dev', 'dev'],
      ['table', 'table'],
      ['protocol', 'proto'],
      ['scope', 'scope'],
      ['prefsrc', 'src'],
      ['metric', 'metric'],
      ['mark', 'mark'],
      ['iif', 'iif'],
      ['pref', 'pref'],
    ]),
  );
  const flags = flagsText(o.flags);
  if (flags) out.push(flags.replace(/,/g, ' '));
  if (Array.isArray(o.nexthops)) for (const nh of o.nexthops as IpJsonObject[]) out.push(`nexthop ${nh.gateway !== undefined ? `via ${String(nh.gateway)} ` : ''}${nh.dev !== undefined ? `dev ${String(nh.dev)} ` : ''}weight ${String(nh.weight)}`);
  return out.join(' ');
}

/** A neighbour, like a line of `ip neigh show`. */
export function neighText(o: IpJsonObject): string {
  const out = words(o, [
    ['dst', null],
    ['dev', 'dev'],
    ['lladdr', 'lladdr'],
    ['router', 'router'],
    ['proxy', 'proxy'],
    ['extern_learn', 'extern_learn'],
    ['offload', 'offload'],
    ['managed', 'managed'],
  ]);
  if (Array.isArray(o.state)) out.push(...o.state.map(String));
  if (o.protocol !== undefined) out.push(`proto ${String(o.protocol)}`);
  return out.join(' ');
}

/** An FDB entry, like a line of `bridge fdb show`. */
export function fdbText(o: IpJsonObject): string {
  const out = [String(o.mac), `dev ${String(o.ifname)}`];
  out.push(...words(o, [['vlan', 'vlan'], ['dst', 'dst'], ['port', 'port'], ['vni', 'vni'], ['src_vni', 'src_vni'], ['viaIf', 'via'], ['nhid', 'nhid']]));
  if (Array.isArray(o.flags)) out.push(...o.flags.map(String));
  if (o.master !== undefined) out.push(`master ${String(o.master)}`);
  if (typeof o.state === 'string' && o.state !== '') out.push(o.state);
  return out.join(' ');
}

/** The selector of a rule: `from 192.0.2.0/24 fwmark 0x10/0xff iif veth0` (`all` when it matches everything). */
export function ruleSelectorText(o: IpJsonObject): string {
  const out: string[] = [];
  if (o.not !== undefined) out.push('not');
  out.push(`from ${String(o.src)}${o.srclen !== undefined ? `/${String(o.srclen)}` : ''}`);
  if (o.dst !== undefined) out.push(`to ${String(o.dst)}${o.dstlen !== undefined ? `/${String(o.dstlen)}` : ''}`);
  if (o.tos !== undefined) out.push(`tos ${String(o.tos)}`);
  if (o.fwmark !== undefined) out.push(`fwmark ${String(o.fwmark)}${o.fwmask !== undefined ? `/${String(o.fwmask)}` : ''}`);
  out.push(...words(o, [['iif', 'iif'], ['iif_detached', '[detached]'], ['oif', 'oif'], ['oif_detached', '[detached]'], ['l3mdev', 'lookup [l3mdev-table]']]));
  if (o.uid_start !== undefined) out.push(`uidrange ${String(o.uid_start)}-${String(o.uid_end)}`);
  if (o.ipproto !== undefined) out.push(`ipproto ${String(o.ipproto)}`);
  for (const p of ['sport', 'dport']) {
    if (o[p] !== undefined) out.push(`${p} ${String(o[p])}`);
    else if (o[`${p}_start`] !== undefined) out.push(`${p} ${String(o[`${p}_start`])}-${String(o[`${p}_end`])}`);
  }
  return out.join(' ');
}

/** What a rule does: `lookup main`, `goto 100`, `nop`, `blackhole`, ... */
export function ruleActionText(o: IpJsonObject): string {
  const out: string[] = [];
  if (o.table !== undefined) out.push(`lookup ${String(o.table)}`);
  out.push(...words(o, [['suppress_prefixlen', 'suppress_prefixlength'], ['suppress_ifgroup', 'suppress_ifgroup'], ['goto', 'goto'], ['unresolved', '[unresolved]'], ['nop', 'nop'], ['action', null]]));
  if (o.protocol !== undefined) out.push(`proto ${String(o.protocol)}`);
  return out.join(' ');
}

/** A rule, like a line of `ip rule show`. */
export function ruleText(o: IpJsonObject): string {
  return `${String(o.priority)}: ${ruleSelectorText(o)} ${ruleActionText(o)}`.trimEnd();
}

/** The members of a nexthop group: `1/2,3` (id, with `,weight` when not 1). */
export function groupText(group: IpJson | undefined): string | undefined {
  if (!Array.isArray(group)) return undefined;
  return (group as IpJsonObject[]).map((m) => `${String(m.id)}${m.weight !== undefined ? `,${String(m.weight)}` : ''}`).join('/');
}

/** A nexthop, like a line of `ip nexthop show`. */
export function nexthopText(o: IpJsonObject): string {
  const out = [`id ${String(o.id)}`];
  const group = groupText(o.group);
  if (group !== undefined) out.push(`group ${group}`);
  out.push(...words(o, [['type', 'type'], ['gateway', 'via'], ['dev', 'dev'], ['scope', 'scope'], ['blackhole', 'blackhole'], ['protocol', 'proto']]));
  const flags = flagsText(o.flags);
  if (flags) out.push(flags.replace(/,/g, ' '));
  if (o.fdb !== undefined) out.push('fdb');
  return out.join(' ');
}
