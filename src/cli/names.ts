// The names iproute2 gives to numbers (routing tables, protocols, scopes, DS fields, link groups,
// IP protocols): its built-in tables, extended by the files under /etc/iproute2 as `ip` reads them,
// so that the CLI prints (and accepts) the same names `ip` does on the same machine.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where iproute2 keeps its name files (6.1 reads /etc/iproute2; later versions also /usr/share/iproute2). */
const CONF_DIRS = ['/usr/share/iproute2', '/etc/iproute2'];

/** A two-way table between numbers and names. */
export interface NameTable {
  /** The name of `id`, or its number as text (what ip prints when it has none). */
  name(id: number): string;
  /** The number a name (or number text) stands for, or undefined. */
  id(text: string): number | undefined;
}

function readTableFile(file: string, into: Map<number, string>): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const [num, name] = line.split(/\s+/);
    if (num === undefined || name === undefined) continue;
    const id = /^0x[0-9a-f]+$/i.test(num) ? parseInt(num, 16) : /^\d+$/.test(num) ? Number(num) : NaN;
    if (Number.isSafeInteger(id)) into.set(id, name);
  }
}

function readTable(base: string, builtin: Readonly<Record<number, string>>, format: (id: number) => string = String): NameTable {
  const byId = new Map<number, string>(Object.entries(builtin).map(([k, v]) => [Number(k), v]));
  for (const dir of CONF_DIRS) {
    readTableFile(join(dir, base), byId);
    let extra: string[] = [];
    try {
      extra = readdirSync(join(dir, `${base}.d`)).filter((f) => f.endsWith('.conf')).sort();
    } catch {
      // no such directory
    }
    for (const f of extra) readTableFile(join(dir, `${base}.d`, f), byId);
  }
  const byName = new Map<string, number>();
  for (const [id, name] of byId) if (!byName.has(name)) byName.set(name, id);
  return {
    name: (id) => byId.get(id) ?? format(id),
    id: (text) => {
      const known = byName.get(text);
      if (known !== undefined) return known;
      if (/^0x[0-9a-f]+$/i.test(text)) return parseInt(text, 16);
      if (/^\d+$/.test(text)) return Number(text);
      return undefined;
    },
  };
}

function lazy(make: () => NameTable): () => NameTable {
  let table: NameTable | undefined;
  return () => (table ??= make());
}

/** Routing tables (rt_tables): main, local, default and what the files add. */
export const routeTables = lazy(() => readTable('rt_tables', { 0: 'unspec', 253: 'default', 254: 'main', 255: 'local' }));

/** Route protocols (rt_protos), as iproute2 6.1's built-in table has them. */
export const routeProtocols = lazy(() =>
  readTable('rt_protos', {
    0: 'unspec',
    1: 'redirect',
    2: 'kernel',
    3: 'boot',
    4: 'static',
    8: 'gated',
    9: 'ra',
    10: 'mrt',
    11: 'zebra',
    12: 'bird',
    13: 'dnrouted',
    14: 'xorp',
    15: 'ntk',
    16: 'dhcp',
    18: 'keepalived',
    42: 'babel',
    99: 'openr',
    186: 'bgp',
    187: 'isis',
    188: 'ospf',
    189: 'rip',
    192: 'eigrp',
  }),
);

/** Scopes (rt_scopes): `global` for RT_SCOPE_UNIVERSE. */
export const routeScopes = lazy(() => readTable('rt_scopes', { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' }));

/** DS field / TOS values (rt_dsfield); others print as 0x-hex, as ip does. */
export const dsfields = lazy(() => readTable('rt_dsfield', {}, (id) => `0x${id.toString(16).padStart(2, '0')}`));

/** Route realms (rt_realms): iproute2's built-in name of 0 is `unknown` (its file calls it `cosmos`). */
export const routeRealms = lazy(() => readTable('rt_realms', { 0: 'unknown' }));

/** Protocol-down reasons, by bit number (protodown_reasons.d/*.conf; none built in). */
export const protodownReasons = lazy(() => readTable('protodown_reasons', {}));

/** Link groups (group): 0 is `default`. */
export const linkGroups = lazy(() => readTable('group', { 0: 'default' }));

/** Route types (RTN_*), as rtnl_rtntype_n2a names them. */
export const ROUTE_TYPES: Readonly<Record<number, string>> = {
  0: 'none',
  1: 'unicast',
  2: 'local',
  3: 'broadcast',
  4: 'anycast',
  5: 'multicast',
  6: 'blackhole',
  7: 'unreachable',
  8: 'prohibit',
  9: 'throw',
  10: 'nat',
  11: 'xresolve',
};

const IP_PROTOCOLS_BUILTIN: Readonly<Record<number, string>> = { 1: 'icmp', 2: 'igmp', 4: 'ipencap', 6: 'tcp', 17: 'udp', 41: 'ipv6', 47: 'gre', 50: 'esp', 51: 'ah', 58: 'ipv6-icmp', 132: 'sctp', 136: 'udplite' };

/** IP protocol numbers by the names in /etc/protocols (what getprotobynumber gives ip). */
export const ipProtocols = lazy(() => {
  const byId = new Map<number, string>(Object.entries(IP_PROTOCOLS_BUILTIN).map(([k, v]) => [Number(k), v]));
  try {
    const seen = new Set<number>();
    for (const raw of readFileSync('/etc/protocols', 'utf8').split('\n')) {
      const [name, num] = raw.replace(/#.*$/, '').trim().split(/\s+/);
      const id = Number(num);
      if (name && Number.isInteger(id) && !seen.has(id)) {
        seen.add(id);
        byId.set(id, name);
      }
    }
  } catch {
    // no /etc/protocols: the built-in names
  }
  const byName = new Map<string, number>([...byId].map(([id, name]) => [name, id]));
  const table: NameTable = {
    name: (id) => byId.get(id) ?? String(id),
    id: (text) => byName.get(text) ?? (/^\d+$/.test(text) ? Number(text) : undefined),
  };
  return table;
});
