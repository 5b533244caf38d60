// rtnl route show | get | add | del | replace | append | change

import type { IpFamily, Link, Route, RouteFilter, RouteLookup, RouteNexthopSpec, RouteProtocol, RouteScope, RouteSpec, RouteTable, RouteTypeName } from '../index.js';
import { NetlinkError } from '../netlink/errors.js';
import { Args, CommandError, matchKeyword, matches, parseUint } from './args.js';
import { flushRounds, type Context } from './context.js';
import { routeToIpJson, type IpJsonObject, type RouteJsonOptions } from './ipjson.js';
import { ROUTE_TYPES, routeProtocols, routeScopes, routeTables } from './names.js';
import { addressBytes, bitsMatch, modelPrefix, parseSelectorPrefix, type SelectorPrefix } from './select.js';
import { flagsText, gatewayText } from './text.js';
import { routeLine } from './oneline.js';
import { Nexthops } from '../rtnl/nexthop/nexthops.js';
import { Routes } from '../rtnl/route/routes.js';
import type { Session } from '../rtnl/session.js';

/** What the route commands use of a handle. */
const routeKinds = (s: Session) => ({ links: s.links, routes: new Routes(s.connection, s.links), nexthops: new Nexthops(s.connection, s.links) });

const COMMANDS = ['show', 'list', 'lst', 'flush', 'get', 'add', 'delete', 'replace', 'append', 'change', 'help'] as const;

/** Runs `rtnl route ...`. */
export async function runRoute(ctx: Context, args: Args): Promise<void> {
  const word = args.shift() ?? 'show';
  const cmd = matchKeyword(word, COMMANDS);
  switch (cmd) {
    case 'show':
    case 'list':
    case 'lst':
      return showRoutes(ctx, args);
    case 'get':
      return getRoute(ctx, args);
    case 'flush':
      return flushRoutes(ctx, args);
    case 'add':
    case 'delete':
    case 'replace':
    case 'append':
    case 'change':
      return changeRoute(ctx, args, cmd);
    default:
      throw args.error(`unknown command "${word}"`);
  }
}

/** A routing table argument: `main`, `local`, `default`, a name from rt_tables, a number, or `all` where allowed. */
export function tableArg(args: Args, text: string, allowAll: boolean): RouteTable | 'all' {
  if (text === 'all' && allowAll) return 'all';
  if (text === 'main' || text === 'local' || text === 'default') return text;
  const id = routeTables().id(text);
  if (id === undefined || id === 0 || id > 0xffffffff) throw args.error(`invalid table "${text}"`);
  return id;
}

/** A protocol argument: a name from rt_protos or a number. */
export function protocolArg(args: Args, text: string): RouteProtocol {
  const id = routeProtocols().id(text);
  if (id === undefined || id > 255) throw args.error(`invalid protocol "${text}"`);
  return id;
}

function scopeArg(args: Args, text: string): RouteScope {
  const id = routeScopes().id(text);
  if (id === undefined || id > 255) throw args.error(`invalid scope "${text}"`);
  return id;
}

const TYPE_NAMES = new Set(Object.values(ROUTE_TYPES).filter((t) => t !== 'none' && t !== 'xresolve'));

function isRouteType(w: string): w is RouteTypeName {
  return TYPE_NAMES.has(w);
}

/** Table rows for routes: type, destination, gateway, device, table, protocol, scope, metric, source, flags. */
function routeRows(ctx: Context, routes: readonly Route[], byIndex: ReadonlyMap<number, Link>, opts: RouteJsonOptions): void {
  const rows = routes.map((r) => {
    const o: IpJsonObject = routeToIpJson(r, byIndex, { ...opts, details: true });
    const type = o.type === 'unicast' ? undefined : (o.type as string | undefined);
    const table = o.table === 'main' ? undefined : (o.table as string | undefined);
    return [type, o.dst as string, o.nhid as number | undefined, gatewayText(o), o.dev as string | undefined, table, o.protocol as string, o.scope as string, o.metric as number | undefined, o.prefsrc as string | undefined, flagsText(o.flags)];
  });
  ctx.table(['TYPE', 'DST', 'NHID', 'GATEWAY', 'DEV', 'TABLE', 'PROTO', 'SCOPE', 'METRIC', 'PREFSRC', 'FLAGS'], rows);
}

/** What `ip route show|flush` selects, as iproute2's route filter has it. */
interface RouteSelection {
  /** What the library's dump takes (table, family, protocol, type). */
  filter: RouteFilter;
  dev?: string;
  iif?: string;
  scope?: number;
  tos?: number;
  metric?: number;
  mark?: number;
  /** `root P`: routes inside P (length at least P's). */
  rdst?: SelectorPrefix;
  /** `match P`: routes containing P (length at most P's); `exact P` (the default) sets both. */
  mdst?: SelectorPrefix;
  rsrc?: SelectorPrefix;
  msrc?: SelectorPrefix;
  via?: SelectorPrefix;
  prefsrc?: SelectorPrefix;
}

function prefixSelector(args: Args, dst: boolean, family: IpFamily | undefined, sel: RouteSelection): void {
  const what = dst ? 'to' : 'from';
  let w = args.value(what);
  let mode: 'root' | 'match' | 'exact' = 'exact';
  const m = matchKeyword(w, ['root', 'match', 'exact'] as const);
  if (m !== undefined) {
    mode = m;
    w = args.value(m);
  }
  const p = parseSelectorPrefix(w, what, family, args.topic);
  if (dst) {
    if (mode !== 'match') sel.rdst = p;
    if (mode !== 'root') sel.mdst = p;
  } else {
    if (mode !== 'match') sel.rsrc = p;
    if (mode !== 'root') sel.msrc = p;
  }
}

/** Reads the selectors of `ip route show|flush`. */
function parseSelection(ctx: Context, args: Args): RouteSelection {
  const filter: RouteFilter = {};
  const sel: RouteSelection = { filter };
  const family = ctx.options.family;
  while (!args.done) {
    const w = args.shift() as string;
    if (matches(w, 'table')) filter.table = tableArg(args, args.value('table'), true);
    else if (w === 'dev' || w === 'oif') sel.dev = args.value(w);
    else if (w === 'iif') sel.iif = args.value(w);
    else if (matches(w, 'protocol')) {
      const v = args.value('protocol');
      if (v !== 'all') filter.protocol = protocolArg(args, v);
    } else if (matches(w, 'scope')) {
      const v = args.value('scope');
      if (v !== 'all') sel.scope = routeScopeNumber(args, v);
    } else if (matches(w, 'type')) {
      const t = args.value('type');
      if (!isRouteType(t)) throw args.error(`unknown route type "${t}"`);
      filter.type = t;
    } else if (w === 'tos' || matches(w, 'dsfield')) sel.tos = args.uint(w, 255);
    else if (w === 'mark') sel.mark = args.uint('mark');
    else if (matches(w, 'metric') || matches(w, 'priority') || w === 'preference') sel.metric = args.uint('metric');
    else if (w === 'via') {
      let v = args.value('via');
      let viaFamily = family;
      if (v === 'inet' || v === 'inet6') {
        viaFamily = v;
        v = args.value('via');
      }
      sel.via = parseSelectorPrefix(v, 'via', viaFamily, args.topic);
    } else if (w === 'src') sel.prefsrc = parseSelectorPrefix(args.value('src'), 'src', family, args.topic);
    else if (matches(w, 'from')) prefixSelector(args, false, family, sel);
    else {
      // `to` is optional before the prefix, as in ip.
      if (!matches(w, 'to')) args.back();
      prefixSelector(args, true, family, sel);
    }
  }
  // As ip: IPv4 unless -6, both families for `table all` (without -4/-6).
  const dumpFamily = family ?? (filter.table === 'all' ? undefined : 'inet');
  if (dumpFamily !== undefined) filter.family = dumpFamily;
  return sel;
}

function routeScopeNumber(args: Args, text: string): number {
  const id = routeScopes().id(text);
  if (id === undefined || id > 255) throw args.error(`invalid scope "${text}"`);
  return id;
}

/** Whether a prefix selector takes a route prefix (`dst` or `src`), as ip's filter_nlmsg. */
function prefixSelects(route: { bytes: Uint8Array; bits: number }, family: string, r: SelectorPrefix | undefined, m: SelectorPrefix | undefined): boolean {
  if (r !== undefined) {
    if ((r.family !== undefined && r.family !== family) || r.bits > route.bits) return false;
    if (!bitsMatch(route.bytes, r.bytes, r.bits)) return false;
  }
  if (m !== undefined) {
    if ((m.family !== undefined && m.family !== family) || m.bits < route.bits) return false;
    if (!bitsMatch(route.bytes, m.bytes, route.bits)) return false;
  }
  return true;
}

function addressSelects(addr: string | undefined, family: string, p: SelectorPrefix): boolean {
  const a = addr === undefined ? { family, bytes: new Uint8Array(16) } : (addressBytes(addr) ?? { family, bytes: new Uint8Array(16) });
  if (p.family !== undefined && a.family !== p.family) return false;
  return bitsMatch(a.bytes, p.bytes, p.bits);
}

/** The routes `sel` selects, with the indexes of its devices (for printing). */
async function selectRoutes(ctx: Context, sel: RouteSelection, flushing: boolean): Promise<Route[]> {
  const rtnl = await ctx.handle(routeKinds);
  const filter = sel.filter;
  const oif = sel.dev === undefined ? undefined : await rtnl.links.indexOf(sel.dev);
  const iif = sel.iif === undefined ? undefined : await rtnl.links.indexOf(sel.iif);
  if (oif !== undefined) filter.oif = oif;
  let routes = await rtnl.routes.list(filter);
  // A table the kernel never made: ip fails (the library lists none).
  if (routes.length === 0 && filter.table !== undefined && filter.table !== 'all' && filter.family !== undefined && !(await rtnl.routes.tableExists(filter.table, filter.family))) {
    throw new CommandError(`${filter.family === 'inet' ? 'ipv4' : 'ipv6'}: FIB table does not exist; ${flushing ? 'flush' : 'dump'} terminated`, 2);
  }
  routes = routes.filter((r) => {
    // ip keeps only the routes whose own output device is the one asked for (not multipath routes
    // with a path through it).
    if (oif !== undefined && r.oif !== oif) return false;
    if (iif !== undefined && (r.iif ?? 0) !== iif) return false;
    if (sel.scope !== undefined && routeScopes().id(String(r.scope)) !== sel.scope) return false;
    if (sel.tos !== undefined && (r.tos ?? 0) !== sel.tos) return false;
    if (sel.metric !== undefined && (r.priority ?? 0) !== sel.metric) return false;
    if (sel.mark !== undefined && (r.mark ?? 0) !== sel.mark) return false;
    if (!prefixSelects(modelPrefix(r.dst, r.family), r.family, sel.rdst, sel.mdst)) return false;
    if ((sel.rsrc !== undefined || sel.msrc !== undefined) && !prefixSelects(modelPrefix(r.src, r.family), r.family, sel.rsrc, sel.msrc)) return false;
    if (sel.via !== undefined) {
      const viaFamily = r.via !== undefined ? (r.via.includes(':') ? 'inet6' : 'inet') : r.family;
      if (sel.via.family !== undefined && viaFamily !== sel.via.family) return false;
      if (sel.via.bits > 0 && !addressSelects(r.gateway ?? r.via, viaFamily, sel.via)) return false;
    }
    if (sel.prefsrc !== undefined) {
      if (sel.prefsrc.family !== undefined && r.family !== sel.prefsrc.family) return false;
      if (sel.prefsrc.bits > 0 && !addressSelects(r.prefsrc, r.family, sel.prefsrc)) return false;
    }
    // ip flush leaves IPv6's catch-all unreachable route of metric 2^32-1 (the kernel's null entry).
    if (flushing && r.family === 'inet6' && r.dst === 'default' && r.type === 'unreachable' && r.priority === 0xffffffff) return false;
    return true;
  });
  return routes;
}

async function showRoutes(ctx: Context, args: Args): Promise<void> {
  const sel = parseSelection(ctx, args);
  const routes = await selectRoutes(ctx, sel, false);
  const rtnl = await ctx.handle(routeKinds);
  const byIndex = await ctx.linksByIndex();
  // ip -d shows the nexthop object a route uses.
  const nexthops = ctx.options.details && routes.some((r) => r.nexthopId !== undefined) ? new Map((await rtnl.nexthops.list()).map((n) => [n.id as number, n])) : undefined;
  const host = (r: Route): number => (r.family === 'inet6' ? 128 : 32);
  const print = (r: Route): IpJsonObject =>
    routeToIpJson(r, byIndex, {
      ...(nexthops ? { nexthops } : {}),
      details: ctx.options.details,
      tableFiltered: sel.filter.table !== 'all',
      devFiltered: sel.dev !== undefined,
      protocolFiltered: sel.filter.protocol !== undefined,
      scopeFiltered: sel.scope !== undefined,
      tosFiltered: sel.tos !== undefined,
      metricFiltered: sel.metric !== undefined,
      gatewayFiltered: sel.via !== undefined && sel.via.bits === host(r),
      prefsrcFiltered: sel.prefsrc !== undefined && sel.prefsrc.bits === host(r),
    });
  if (ctx.options.json) ctx.json(routes.map(print));
  // -o: ip's own text, one line per route (what `ip -o route` prints), with -c's colours.
  else if (ctx.options.oneline) {
    for (const o of routes.map(print)) ctx.line(routeLine(o, ctx.paint));
  }
  else routeRows(ctx, routes, byIndex, { details: ctx.options.details });
}

/** `ip route flush SELECTORS`: deletes what `show` would list, in rounds until none is left. */
async function flushRoutes(ctx: Context, args: Args): Promise<void> {
  if (args.done) throw new CommandError('"ip route flush" requires arguments', 1);
  const sel = parseSelection(ctx, args);
  const rtnl = await ctx.handle(routeKinds);
  await flushRounds(ctx, 'entries', async () => {
    const routes = await selectRoutes(ctx, sel, true);
    for (const r of routes) {
      // Gone already (with its interface or its nexthop object): as ip, not an error.
      await rtnl.routes.delete(r).catch((err: unknown) => {
        if (!(err instanceof NetlinkError && err.code === 'ESRCH')) throw err;
      });
    }
    return routes.length;
  });
}

async function getRoute(ctx: Context, args: Args): Promise<void> {
  let to: string | undefined;
  const lookup: Partial<RouteLookup> = {};
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'to') to = args.value('to');
    else if (w === 'from') lookup.from = args.value('from');
    else if (w === 'iif') lookup.iif = args.value('iif');
    else if (w === 'oif' || w === 'dev') lookup.oif = args.value(w);
    else if (w === 'mark') lookup.mark = args.uint('mark');
    else if (w === 'uid') lookup.uid = args.uint('uid');
    else if (w === 'fibmatch') lookup.fibMatch = true;
    else if (w === 'ipproto') lookup.ipProto = args.uint('ipproto', 255);
    else if (w === 'sport') lookup.sport = args.uint('sport', 0xffff);
    else if (w === 'dport') lookup.dport = args.uint('dport', 0xffff);
    else if (to === undefined) to = w;
    else throw args.unknown(w);
  }
  if (to === undefined) throw args.error('"route get" needs an address');
  const rtnl = await ctx.handle(routeKinds);
  const route = await rtnl.routes.get({ ...lookup, to });
  const byIndex = await ctx.linksByIndex();
  if (ctx.options.json) ctx.json([routeToIpJson(route, byIndex, { details: ctx.options.details })]);
  else routeRows(ctx, [route], byIndex, {});
}

const METRIC_WORDS: Readonly<Record<string, string>> = {
  mtu: 'mtu',
  advmss: 'advmss',
  window: 'window',
  hoplimit: 'hoplimit',
  initcwnd: 'initcwnd',
  initrwnd: 'initrwnd',
  reordering: 'reordering',
  ssthresh: 'ssthresh',
  cwnd: 'cwnd',
  quickack: 'quickack',
  rto_min: 'rtoMin',
  features: 'features',
  fastopen_no_cookie: 'fastopenNoCookie',
};

function parseNexthop(args: Args): RouteNexthopSpec {
  const nh: RouteNexthopSpec = {};
  while (!args.done && args.peek() !== 'nexthop') {
    const w = args.shift() as string;
    if (w === 'via') {
      let gw = args.value('via');
      if (gw === 'inet' || gw === 'inet6') {
        gw = args.value('via');
        nh.via = gw;
      } else nh.gateway = gw;
    } else if (w === 'dev') nh.oif = args.value('dev');
    else if (w === 'weight') nh.weight = args.uint('weight', 256);
    else if (w === 'onlink') nh.flags = ['onlink'];
    else throw args.unknown(w);
  }
  return nh;
}

async function changeRoute(ctx: Context, args: Args, cmd: 'add' | 'delete' | 'replace' | 'append' | 'change'): Promise<void> {
  let dst: string | undefined;
  const spec: Partial<RouteSpec> = {};
  const metrics: Record<string, number | string> = {};
  const nexthops: RouteNexthopSpec[] = [];
  let viaFamily: IpFamily | undefined;
  let via: string | undefined;
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'to') dst = args.value('to');
    else if (w === 'type') {
      const t = args.value('type');
      if (!isRouteType(t)) throw args.error(`unknown route type "${t}"`);
      spec.type = t;
    } else if (isRouteType(w) && dst === undefined) spec.type = w;
    else if (w === 'via' || w === 'gateway') {
      const v = args.value(w);
      if (v === 'inet' || v === 'inet6') {
        viaFamily = v;
        via = args.value(w);
      } else via = v;
    } else if (w === 'dev' || w === 'oif') spec.oif = args.value(w);
    else if (w === 'table') spec.table = tableArg(args, args.value('table'), false) as RouteTable;
    else if (w === 'metric' || w === 'priority' || w === 'preference') spec.priority = args.uint(w);
    else if (w === 'proto' || w === 'protocol') spec.protocol = protocolArg(args, args.value(w));
    else if (w === 'scope') spec.scope = scopeArg(args, args.value('scope'));
    else if (w === 'src') spec.prefsrc = args.value('src');
    else if (w === 'onlink') spec.flags = ['onlink'];
    else if (w === 'nhid') spec.nexthopId = args.uint('nhid');
    else if (w === 'tos' || w === 'dsfield') spec.tos = args.uint(w, 255);
    else if (w === 'pref') {
      const p = args.value('pref');
      if (p !== 'low' && p !== 'medium' && p !== 'high') throw args.error(`"pref" takes low, medium or high, not "${p}"`);
      spec.pref = p;
    } else if (w === 'expires') spec.expires = args.uint('expires', 0x7fffffff);
    else if (w === 'congctl') metrics.ccAlgo = args.value('congctl');
    else if (Object.hasOwn(METRIC_WORDS, w)) {
      let v = args.value(w);
      if (v === 'lock') v = args.value(w); // locking is not supported; the value counts
      metrics[METRIC_WORDS[w]] = parseUint(v, w, 0xffffffff, args.topic);
    } else if (w === 'nexthop') nexthops.push(parseNexthop(args));
    else if (dst === undefined) dst = w;
    else throw args.unknown(w);
  }
  if (dst === undefined) throw args.error(`"route ${cmd}" needs a PREFIX or "default"`);
  if (ctx.options.family !== undefined) spec.family = ctx.options.family;
  if (via !== undefined) {
    // A gateway of the other family than the destination is a `via` (RTA_VIA), as ip sends it.
    const gwFamily: IpFamily = viaFamily ?? (via.includes(':') ? 'inet6' : 'inet');
    const dstFamily: IpFamily = dst === 'default' ? (spec.family ?? gwFamily) : dst.includes(':') ? 'inet6' : 'inet';
    // As ip: a gateway of the other family only with its family written out (`via inet6 ADDR`).
    if (viaFamily === undefined && gwFamily !== dstFamily) throw args.error(`${dstFamily} address is expected rather than "${via}"`);
    if (gwFamily !== dstFamily) spec.via = via;
    else spec.gateway = via;
    if (dst === 'default' && spec.family === undefined) spec.family = dstFamily;
  }
  if (Object.keys(metrics).length > 0) spec.metrics = metrics as RouteSpec['metrics'];
  if (nexthops.length > 0) spec.nexthops = nexthops;
  const rtnl = await ctx.handle(routeKinds);
  const full: RouteSpec = { ...spec, dst };
  if (cmd === 'add') await rtnl.routes.add(full);
  else if (cmd === 'delete') await rtnl.routes.delete(full);
  else if (cmd === 'replace') await rtnl.routes.replace(full);
  else if (cmd === 'append') await rtnl.routes.append(full);
  else await rtnl.routes.change(full);
}
