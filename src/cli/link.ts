// rtnl link show | add | set | del

import type { LinkChanges, LinkSpec, VethPeer } from '../index.js';
import type { NetnsRef } from '../index.js';
import { Args, CommandError, matchKeyword, parseUint } from './args.js';
import type { Context } from './context.js';
import { briefLinkJson, briefLinkLine, statsCells, statsToIpJson } from './brief.js';
import { ipLinkFlags, linkToIpJson } from './ipjson.js';
import { linkLine, linkStatsText } from './oneline.js';
import { Nsids } from '../rtnl/nsid/nsids.js';
import type { Session } from '../rtnl/session.js';

/** What the link commands use of a handle. */
const linkKinds = (s: Session) => ({ links: s.links, nsids: new Nsids(s.connection) });

/** `netns NS` as ip takes it: a name, a path, or a process id. */
export function netnsArg(text: string): NetnsRef {
  if (/^\d+$/.test(text)) return { pid: Number(text) };
  return text.includes('/') ? { path: text } : text;
}

const COMMANDS = ['show', 'list', 'lst', 'add', 'set', 'change', 'delete', 'help'] as const;

/** Runs `rtnl link ...`. */
export async function runLink(ctx: Context, args: Args): Promise<void> {
  const word = args.shift() ?? 'show';
  const cmd = matchKeyword(word, COMMANDS);
  switch (cmd) {
    case 'show':
    case 'list':
    case 'lst':
      return showLinks(ctx, args);
    case 'add':
      return addLink(ctx, args);
    case 'set':
    case 'change':
      return setLink(ctx, args);
    case 'delete':
      return deleteLink(ctx, args);
    default:
      throw args.error(`unknown command "${word}"`);
  }
}

async function showLinks(ctx: Context, args: Args): Promise<void> {
  let dev: string | undefined;
  let kind: string | undefined;
  let master: string | undefined;
  let upOnly = false;
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'dev') dev = args.value('dev');
    else if (w === 'type') kind = args.value('type');
    else if (w === 'master') master = args.value('master');
    else if (w === 'up') upOnly = true;
    else if (dev === undefined) dev = w;
    else throw args.unknown(w);
  }
  const rtnl = await ctx.handle(linkKinds);
  // The kernel's ENODEV when the device does not exist, as ip reports it.
  const only = dev === undefined ? undefined : await rtnl.links.find(dev);
  if (dev !== undefined && only === undefined) throw new CommandError(`Device "${dev}" does not exist.`, 1);
  const masterIndex = master === undefined ? undefined : await rtnl.links.indexOf(master);
  const all = await rtnl.links.list();
  const byIndex = new Map(all.map((l) => [l.index as number, l]));
  const links = all.filter(
    (l) =>
      (only === undefined || l.index === only.index) &&
      (kind === undefined || l.kind === kind) &&
      (masterIndex === undefined || l.master === masterIndex) &&
      (!upOnly || (l.flags ?? []).includes('up')),
  );
  const stats = ctx.options.statsLevel ?? 0;
  const objs = links.map((l) => {
    const o = linkToIpJson(l, byIndex, ctx.options.details);
    if (stats > 0 && l.stats !== undefined) o.stats64 = statsToIpJson(l.stats, stats, l.carrierChanges);
    return o;
  });
  if (ctx.options.brief) {
    if (ctx.options.json) ctx.json(objs.map(briefLinkJson));
    else for (const o of objs) ctx.line(briefLinkLine(o, ctx.paint));
    return;
  }
  if (ctx.options.json) {
    ctx.json(objs);
    return;
  }
  if (ctx.options.oneline) {
    onelineOnly(ctx);
    // ip names a link's peer namespace by the name it has under /run/netns, when it has one.
    const names = new Map<number, string | undefined>();
    for (const l of links) {
      const id = l.linkNetnsid;
      if (id !== undefined && id >= 0 && !names.has(id)) names.set(id, await rtnl.nsids.nameOfNsid(id));
    }
    links.forEach((l, i) => {
      // ip prints the counters with -s (a link without any: only the line break before them).
      const counters = stats > 0 ? (l.stats !== undefined ? linkStatsText(l.stats, stats, l.carrierChanges) : '') : undefined;
      ctx.line(linkLine(objs[i], (id) => names.get(id), counters, ctx.paint));
    });
    return;
  }
  ctx.table(
    ['INDEX', 'NAME', 'KIND', 'STATE', 'MTU', 'ADDRESS', 'MASTER', 'FLAGS', ...(stats > 0 ? ['RX-BYTES', 'RX-PACKETS', 'TX-BYTES', 'TX-PACKETS'] : [])],
    links.map((l, i) => {
      const o = objs[i];
      const name = o.link !== undefined ? `${String(o.ifname)}@${o.link === null ? 'NONE' : String(o.link)}` : o.ifname;
      return [l.index, name as string, l.kind, o.operstate as string, l.mtu, l.address, o.master as string | undefined, ipLinkFlags(l.flags).join(','), ...(stats > 0 ? statsCells(l.stats) : [])];
    }),
  );
}

/** `-o link show` prints what `ip -o [-s] link show` prints; ip's `-d` text (each kind's details) is not made here. */
function onelineOnly(ctx: Context): void {
  if (ctx.options.details) throw new CommandError('-o with -d is not supported by "link show" (use -j -d)', 1);
}

const BOND_MODES: Readonly<Record<string, number>> = {
  'balance-rr': 0,
  'active-backup': 1,
  'balance-xor': 2,
  broadcast: 3,
  '802.3ad': 4,
  'balance-tlb': 5,
  'balance-alb': 6,
};

const MACVLAN_MODES = ['private', 'vepa', 'bridge', 'passthru', 'source'];
const IPVLAN_MODES = ['l2', 'l3', 'l3s'];

// Reads one of the settings links share between add and set; false when `w` is not one.
function commonSetting(args: Args, w: string, s: LinkChanges): boolean {
  switch (w) {
    case 'up':
      s.up = true;
      return true;
    case 'down':
      s.up = false;
      return true;
    case 'mtu':
      s.mtu = args.uint('mtu');
      return true;
    case 'address':
      s.address = args.value('address');
      return true;
    case 'broadcast':
    case 'brd':
      s.broadcast = args.value('broadcast');
      return true;
    case 'txqlen':
    case 'txqueuelen':
      s.txqlen = args.uint('txqlen');
      return true;
    case 'group':
      s.group = args.uint('group');
      return true;
    case 'alias':
      s.alias = args.value('alias');
      return true;
    case 'master':
      s.master = args.value('master');
      return true;
    case 'nomaster':
      s.master = null;
      return true;
    case 'netns':
      s.netns = netnsArg(args.value('netns'));
      return true;
    case 'promisc': {
      const v = args.value('promisc');
      if (v !== 'on' && v !== 'off') throw args.error(`"promisc" takes on or off, not "${v}"`);
      s.promisc = v === 'on';
      return true;
    }
    default:
      return false;
  }
}

async function addLink(ctx: Context, args: Args): Promise<void> {
  const s: LinkChanges & { numTxQueues?: number; numRxQueues?: number } = {};
  let name: string | undefined;
  let kind: string | undefined;
  let lower: string | undefined;
  const data: Record<string, unknown> = {};
  let peer: VethPeer | undefined;
  let vxlanDev: string | undefined;
  while (!args.done) {
    const w = args.shift() as string;
    if (kind === 'veth' && w === 'peer') {
      peer = parsePeer(args);
      continue;
    }
    if (kind !== undefined && (await kindArg(args, kind, w, data, (d) => (vxlanDev = d)))) continue;
    if (commonSetting(args, w, s)) continue;
    if (w === 'type') kind = args.value('type');
    else if (w === 'name' || w === 'dev') name = args.value(w);
    else if (w === 'link') lower = args.value('link');
    else if (w === 'numtxqueues') s.numTxQueues = args.uint('numtxqueues');
    else if (w === 'numrxqueues') s.numRxQueues = args.uint('numrxqueues');
    else if (name === undefined && kind === undefined) name = w;
    else throw args.unknown(w);
  }
  if (name === undefined) throw args.error('"link add" needs a NAME');
  if (kind === undefined) throw args.error('"link add" needs "type KIND"');
  // The kernel would take VNI 0; ip refuses a vxlan without one, and so does rtnl.
  if (kind === 'vxlan' && data.id === undefined) throw args.error('vxlan: missing virtual network identifier ("id VNI")');
  const rtnl = await ctx.handle(linkKinds);
  if (vxlanDev !== undefined) data.link = await rtnl.links.indexOf(vxlanDev);
  const spec = { ...s, name, kind } as LinkSpec & { data?: unknown; peer?: VethPeer; link?: string };
  if (Object.keys(data).length > 0) spec.data = data;
  if (peer !== undefined) spec.peer = peer;
  if (lower !== undefined) spec.link = lower;
  await rtnl.links.add(spec);
}

function parsePeer(args: Args): VethPeer {
  const peer: VethPeer = {};
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'name') peer.name = args.value('name');
    else if (w === 'address') peer.address = args.value('address');
    else if (w === 'mtu') peer.mtu = args.uint('mtu');
    else if (w === 'netns') peer.netns = netnsArg(args.value('netns'));
    else if (peer.name === undefined) peer.name = w;
    else throw args.unknown(w);
  }
  return peer;
}

// Reads an argument of a kind's data; false when `w` is not one.
async function kindArg(args: Args, kind: string, w: string, data: Record<string, unknown>, setDev: (name: string) => void): Promise<boolean> {
  const ipOf = (what: string): { v6: boolean; text: string } => {
    const text = args.value(what);
    return { v6: text.includes(':'), text };
  };
  switch (kind) {
    case 'vxlan':
      switch (w) {
        case 'id':
        case 'vni':
          data.id = args.uint('id', 0xffffff);
          return true;
        case 'dstport':
          data.port = args.uint('dstport', 0xffff);
          return true;
        case 'local': {
          const a = ipOf('local');
          data[a.v6 ? 'local6' : 'local'] = a.text;
          return true;
        }
        case 'remote':
        case 'group': {
          const a = ipOf(w);
          data[a.v6 ? 'group6' : 'group'] = a.text;
          return true;
        }
        case 'dev':
          setDev(args.value('dev'));
          return true;
        case 'ttl':
          data.ttl = args.uint('ttl', 255);
          return true;
        case 'tos':
          data.tos = args.uint('tos', 255);
          return true;
        case 'learning':
          data.learning = 1;
          return true;
        case 'nolearning':
          data.learning = 0;
          return true;
        case 'ageing':
          data.ageing = args.uint('ageing');
          return true;
        default:
          return false;
      }
    case 'macvlan':
    case 'macvtap':
    case 'ipvlan':
    case 'ipvtap': {
      if (w !== 'mode') return false;
      const mode = args.value('mode');
      const modes = kind.startsWith('macv') ? MACVLAN_MODES : IPVLAN_MODES;
      if (!modes.includes(mode)) throw args.error(`unknown ${kind} mode "${mode}"; expected one of ${modes.join(', ')}`);
      data.mode = mode;
      return true;
    }
    case 'vlan':
      if (w === 'id') data.id = args.uint('id', 4094);
      else if (w === 'protocol') {
        const p = args.value('protocol').toLowerCase();
        if (p === '802.1q') data.protocol = '8021q';
        else if (p === '802.1ad') data.protocol = '8021ad';
        else throw args.error(`unknown vlan protocol "${p}"; expected 802.1q or 802.1ad`);
      } else return false;
      return true;
    case 'vrf':
      if (w !== 'table') return false;
      data.table = args.uint('table');
      return true;
    case 'bond': {
      if (w !== 'mode') return false;
      const m = args.value('mode');
      const n = BOND_MODES[m] ?? (/^\d+$/.test(m) ? Number(m) : undefined);
      if (n === undefined || n > 6) throw args.error(`unknown bond mode "${m}"; expected one of ${Object.keys(BOND_MODES).join(', ')}`);
      data.mode = n;
      return true;
    }
    case 'bridge': {
      const keys: Readonly<Record<string, [string, number]>> = {
        stp_state: ['stpState', 0xffffffff],
        vlan_filtering: ['vlanFiltering', 1],
        forward_delay: ['forwardDelay', 0xffffffff],
        priority: ['priority', 0xffff],
        ageing_time: ['ageingTime', 0xffffffff],
        mcast_snooping: ['mcastSnooping', 1],
        hello_time: ['helloTime', 0xffffffff],
        max_age: ['maxAge', 0xffffffff],
      };
      const k = keys[w];
      if (k === undefined) return false;
      data[k[0]] = parseUint(args.value(w), w, k[1], args.topic);
      return true;
    }
    default:
      return false;
  }
}

async function setLink(ctx: Context, args: Args): Promise<void> {
  const s: LinkChanges = {};
  let dev: string | undefined;
  while (!args.done) {
    const w = args.shift() as string;
    if (commonSetting(args, w, s)) continue;
    if (w === 'dev') dev = args.value('dev');
    else if (w === 'name') s.name = args.value('name');
    else if (dev === undefined) dev = w;
    else throw args.unknown(w);
  }
  if (dev === undefined) throw args.error('"link set" needs a device NAME');
  if (Object.keys(s).length === 0) throw args.error('"link set" needs something to change');
  const rtnl = await ctx.handle(linkKinds);
  await rtnl.links.set(dev, s);
}

async function deleteLink(ctx: Context, args: Args): Promise<void> {
  let dev: string | undefined;
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'dev') dev = args.value('dev');
    else if (dev === undefined) dev = w;
    else throw args.unknown(w);
  }
  if (dev === undefined) throw args.error('"link del" needs a device NAME');
  const rtnl = await ctx.handle(linkKinds);
  await rtnl.links.delete(dev);
}
