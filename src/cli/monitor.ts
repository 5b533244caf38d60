// rtnl monitor: one line per kernel event until interrupted.

import type { MonitorGroup } from '../index.js';
import type { Link } from '../index.js';
import type { MonitorEvent } from '../index.js';
import type { Args } from './args.js';
import type { Context } from './context.js';
import { monitor } from '../rtnl/events/monitor.js';
import { addressToIpJson, fdbEntryToIpJson, linkName, linkToIpJson, neighbourToIpJson, nexthopToIpJson, routeToIpJson, ruleToIpJson, type IpJsonObject } from './ipjson.js';
import { addressText, fdbText, linkText, neighText, nexthopText, routeText, ruleText } from './text.js';
import { classToTcJson, classToTcText, filterToTcJson, filterToTcText, qdiscToTcJson, qdiscToTcText } from './tcjson.js';

/** The objects `rtnl monitor` takes, with their abbreviations, and the groups each joins. */
const OBJECTS: readonly [word: string, groups: readonly MonitorGroup[]][] = [
  ['link', ['link']],
  ['address', ['address']],
  ['route', ['route']],
  ['neigh', ['neigh']],
  ['neighbour', ['neigh']],
  ['neighbor', ['neigh']],
  ['rule', ['rule']],
  ['nexthop', ['nexthop']],
  ['nh', ['nexthop']],
  ['nsid', ['nsid']],
  // Traffic control (qdiscs, classes, filters), as `tc monitor`; not in `all`, as in ip.
  ['tc', ['tc']],
  ['all', ['link', 'address', 'route', 'neigh', 'rule', 'nexthop', 'nsid']],
];

/** Runs `rtnl monitor ...` until `ctx.io.signal` aborts (or the event stream fails). */
export async function runMonitor(ctx: Context, args: Args): Promise<void> {
  const groups = new Set<MonitorGroup>();
  let allNamespaces = false;
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'all-nsid') {
      allNamespaces = true;
      continue;
    }
    // `r` is route (before rule), `n` neigh, as ip monitor takes them.
    const hit = OBJECTS.find(([word]) => word.startsWith(w) && w.length > 0);
    if (!hit) throw args.unknown(w);
    for (const g of hit[1]) groups.add(g);
  }
  if (groups.size === 0) for (const g of OBJECTS[OBJECTS.length - 1][1]) groups.add(g);
  if (ctx.io.signal?.aborted) return;
  // Subscribe first, then learn the link names: no event is missed meanwhile.
  const stream = monitor(await ctx.session(), [...groups], { ...(ctx.io.signal ? { signal: ctx.io.signal } : {}), allNamespaces });
  try {
    const byIndex: Map<number, Link> = await ctx.linksByIndex();
    for await (const ev of stream) printEvent(ctx, ev, byIndex);
  } finally {
    stream.close();
  }
}

function printEvent(ctx: Context, ev: MonitorEvent, byIndex: Map<number, Link>): void {
  if (ev.type === 'overrun' || ev.type === 'synced' || ev.type === 'resynced') {
    if (ctx.options.json) ctx.json({ event: ev.type });
    else ctx.line(ev.type === 'overrun' ? 'overrun: the kernel dropped events (receive queue full)' : ev.type);
    return;
  }
  if (ev.type === 'malformed') {
    const hex = Buffer.from(ev.bytes).toString('hex');
    if (ctx.options.json) ctx.json({ event: 'malformed', ...(ev.messageType !== undefined ? { type: ev.messageType } : {}), error: ev.error.message, bytes: hex });
    else ctx.line(`malformed message${ev.messageType !== undefined ? ` of type ${ev.messageType}` : ''} skipped: ${ev.error.message}`);
    return;
  }
  let object: IpJsonObject;
  let text: string;
  switch (ev.family) {
    case 'link': {
      const l = ev.object;
      if (ev.type === 'new' && ev.nsid === undefined && typeof l.index === 'number' && l.name !== undefined) byIndex.set(l.index, l);
      object = linkToIpJson(l, byIndex, ctx.options.details);
      text = linkText(object);
      if (ev.type === 'del' && ev.nsid === undefined && typeof l.index === 'number') byIndex.delete(l.index);
      break;
    }
    case 'address': {
      const a = ev.object;
      const info = addressToIpJson(a);
      object = { ifindex: a.link, ifname: linkName(byIndex, a.link), addr_info: [info] };
      text = `${String(a.link)}: ${String(object.ifname)} ${addressText(info)}`;
      break;
    }
    case 'route':
      object = routeToIpJson(ev.object, byIndex, { details: ctx.options.details });
      text = routeText(object);
      break;
    case 'neigh':
      if (ev.object.family === 'bridge') {
        object = fdbEntryToIpJson(ev.object, byIndex);
        text = fdbText(object);
      } else {
        object = neighbourToIpJson(ev.object, byIndex, { details: ctx.options.details });
        text = neighText(object);
      }
      break;
    case 'rule':
      object = ruleToIpJson(ev.object, ctx.options.details);
      text = ruleText(object);
      break;
    case 'nexthop':
      object = nexthopToIpJson(ev.object, byIndex, ctx.options.details);
      text = nexthopText(object);
      break;
    case 'nsid':
      object = { nsid: ev.object.nsid };
      text = `nsid ${String(ev.object.nsid)}`;
      break;
    // tc objects as `tc monitor` prints them (its text; with -j the fields of `tc -j ... show`,
    // which tc 6.1's monitor does not print as JSON), without the leading word the family gives.
    case 'qdisc':
      object = qdiscToTcJson(ev.object, linkName(byIndex, ev.object.link), false);
      text = qdiscToTcText(ev.object, linkName(byIndex, ev.object.link), false).trimEnd().replace(/^qdisc /, '');
      break;
    case 'class':
      object = classToTcJson(ev.object, linkName(byIndex, ev.object.link), false);
      text = classToTcText(ev.object, linkName(byIndex, ev.object.link), false).trimEnd().replace(/^class /, '');
      break;
    case 'filter': {
      const name = (i: number): string | undefined => byIndex.get(i)?.name;
      object = filterToTcJson(ev.object, {}, name);
      text = filterToTcText(ev.object, {}, name).trimEnd().replace(/^filter /, '');
      break;
    }
    default:
      return;
  }
  if (ctx.options.json) {
    ctx.json({ event: ev.type, family: ev.family, ...(ev.nsid !== undefined ? { nsid: ev.nsid } : {}), ...(ev.resync ? { resync: true } : {}), object });
  } else {
    const where = ev.nsid !== undefined ? `[nsid ${ev.nsid}] ` : '';
    ctx.line(`${where}${ev.type === 'del' ? 'del' : 'new'} ${ev.family} ${text}`);
  }
}
