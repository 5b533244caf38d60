// rtnl route show | get | add | del | replace | append | change

import type { IpFamily, Link, Route, RouteFilter, RouteLookup, RouteNexthopSpec, RouteProtocol, RouteScope, RouteSpec, RouteTable, RouteTypeName } from '../index.js';
import { Args, matchKeyword, parseUint } from './args.js';
import type { Context } from './context.js';
import { routeToIpJson, type IpJsonObject, type RouteJsonOptions } from './ipjson.js';
import { ROUTE_TYPES, routeProtocols, routeScopes, routeTables } from './names.js';
import { flagsText, gatewayText } from './text.js';

const COMMANDS = ['show', 'list', 'lst', 'get', 'add', 'delete', 'replace', 'append', 'change', 'help'] as const;

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

async function showRoutes(ctx: Context, args: Args): Promise<void> {
  const filter: RouteFilter = {};
  let dev: string | undefined;
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'table') filter.table = tableArg(args, args.value('table'), true);
    else if (w === 'dev' || w === 'oif') dev = args.value(w);
    else if (w === 'proto' || w === 'protocol') filter.protocol = protocolArg(args, args.value(w));
    else if (w === 'type') {
      const t = args.value('type');
      if (!isRouteType(t)) throw args.error(`unknown route type "${t}"`);
      filter.type = t;
    } else throw args.unknown(w);
  }
  // As ip: IPv4 unless -6, both families for `table all` (without -4/-6).
  const family = ctx.options.family ?? (filter.table === 'all' ? undefined : 'inet');
  if (family !== undefined) filter.family = family;
  if (dev !== undefined) filter.oif = dev;
  const rtnl = await ctx.rtnl();
  let routes = await rtnl.routes.list(filter);
  // ip keeps only the routes whose own output device is the one asked for (not multipath routes
  // with a path through it).
  if (dev !== undefined) {
    const index = await rtnl.links.indexOf(dev);
    routes = routes.filter((r) => r.oif === index);
  }
  const byIndex = await ctx.linksByIndex();
  // ip -d shows the nexthop object a route uses.
  const nexthops = ctx.options.details && routes.some((r) => r.nexthopId !== undefined) ? new Map((await rtnl.nexthops.list()).map((n) => [n.id as number, n])) : undefined;
  const opts: RouteJsonOptions = {
    ...(nexthops ? { nexthops } : {}),
    details: ctx.options.details,
    tableFiltered: filter.table !== 'all',
    devFiltered: dev !== undefined,
    protocolFiltered: filter.protocol !== undefined,
  };
  if (ctx.options.json) ctx.json(routes.map((r) => routeToIpJson(r, byIndex, opts)));
  else routeRows(ctx, routes, byIndex, opts);
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
  const rtnl = await ctx.rtnl();
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
  const rtnl = await ctx.rtnl();
  const full: RouteSpec = { ...spec, dst };
  if (cmd === 'add') await rtnl.routes.add(full);
  else if (cmd === 'delete') await rtnl.routes.delete(full);
  else if (cmd === 'replace') await rtnl.routes.replace(full);
  else if (cmd === 'append') await rtnl.routes.append(full);
  else await rtnl.routes.change(full);
}
