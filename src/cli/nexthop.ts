// rtnl nexthop show | get | add | replace | del

import type { NexthopFilter, NexthopGroupMemberSpec, NexthopSpec, ResilientGroupSpec } from '../index.js';
import { Args, matchKeyword, parseSeconds, parseUint } from './args.js';
import type { Context } from './context.js';
import { nexthopToIpJson, type IpJsonObject } from './ipjson.js';
import { protocolArg } from './route.js';
import { flagsText, groupText } from './text.js';
import type { Nexthop } from '../index.js';
import { Nexthops } from '../rtnl/nexthop/nexthops.js';
import type { Session } from '../rtnl/session.js';

/** What the nexthop commands use of a handle. */
const nexthopKinds = (s: Session) => ({ nexthops: new Nexthops(s.connection, s.links) });

const COMMANDS = ['show', 'list', 'lst', 'get', 'add', 'replace', 'delete', 'help'] as const;

/** Runs `rtnl nexthop ...`. */
export async function runNexthop(ctx: Context, args: Args): Promise<void> {
  const word = args.shift() ?? 'show';
  const cmd = matchKeyword(word, COMMANDS);
  switch (cmd) {
    case 'show':
    case 'list':
    case 'lst':
      return showNexthops(ctx, args);
    case 'get':
      return getNexthop(ctx, args);
    case 'add':
    case 'replace':
      return changeNexthop(ctx, args, cmd);
    case 'delete':
      return deleteNexthop(ctx, args);
    default:
      throw args.error(`unknown command "${word}"`);
  }
}

async function print(ctx: Context, nhs: readonly Nexthop[]): Promise<void> {
  const byIndex = await ctx.linksByIndex();
  const objs = nhs.map((n) => nexthopToIpJson(n, byIndex, ctx.options.details));
  if (ctx.options.json) {
    ctx.json(objs);
    return;
  }
  ctx.table(
    ['ID', 'GROUP', 'TYPE', 'BUCKETS', 'IDLE_TIMER', 'UNBALANCED_TIMER', 'GATEWAY', 'DEV', 'SCOPE', 'PROTO', 'FLAGS'],
    objs.map((o) => {
      const flags = [...(o.blackhole !== undefined ? ['blackhole'] : []), ...(o.fdb !== undefined ? ['fdb'] : []), ...(flagsText(o.flags) ?? '').split(',').filter((f) => f !== '')];
      // A resilient group's settings, in ip's units (timers in seconds).
      const res = (o.resilient_args ?? {}) as IpJsonObject;
      return [
        o.id as number,
        groupText(o.group),
        o.type as string | undefined,
        res.buckets as number | undefined,
        res.idle_timer as number | undefined,
        res.unbalanced_timer as number | undefined,
        o.gateway as string | undefined,
        o.dev as string | undefined,
        o.scope as string | undefined,
        o.protocol as string | undefined,
        flags.join(','),
      ];
    }),
  );
}

async function showNexthops(ctx: Context, args: Args): Promise<void> {
  const filter: NexthopFilter = {};
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'id') filter.id = args.uint('id');
    else if (w === 'dev') filter.oif = args.value('dev');
    else if (w === 'master') filter.master = args.value('master');
    else if (w === 'groups') filter.groups = true;
    else if (w === 'fdb') filter.fdb = true;
    else throw args.unknown(w);
  }
  if (ctx.options.family !== undefined) filter.family = ctx.options.family;
  const rtnl = await ctx.handle(nexthopKinds);
  // As ip: one id is a GET, which fails when there is no such nexthop (a dump would print nothing).
  if (filter.id !== undefined && Object.keys(filter).length === 1) {
    await print(ctx, [await rtnl.nexthops.get(filter.id)]);
    return;
  }
  await print(ctx, await rtnl.nexthops.list(filter));
}

function idArg(args: Args, cmd: string): number {
  let id: number | undefined;
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'id') id = args.uint('id');
    else throw args.unknown(w);
  }
  if (id === undefined) throw args.error(`"nexthop ${cmd}" needs "id N"`);
  return id;
}

async function getNexthop(ctx: Context, args: Args): Promise<void> {
  const id = idArg(args, 'get');
  const rtnl = await ctx.handle(nexthopKinds);
  await print(ctx, [await rtnl.nexthops.get(id)]);
}

async function deleteNexthop(ctx: Context, args: Args): Promise<void> {
  const id = idArg(args, 'del');
  const rtnl = await ctx.handle(nexthopKinds);
  await rtnl.nexthops.delete(id);
}

/** `ID[,WEIGHT][/ID[,WEIGHT]]...`, as ip takes a group. */
function groupArg(args: Args): NexthopGroupMemberSpec[] {
  const text = args.value('group');
  return text.split('/').map((part) => {
    const [id, weight, extra] = part.split(',');
    if (id === undefined || id === '' || extra !== undefined) throw args.error(`invalid group member "${part}": expected ID or ID,WEIGHT`);
    const m: NexthopGroupMemberSpec = { id: parseUint(id, 'group id', 0xffffffff, args.topic) };
    if (weight !== undefined) m.weight = parseUint(weight, 'group weight', 0xffff, args.topic);
    return m;
  });
}

async function changeNexthop(ctx: Context, args: Args, cmd: 'add' | 'replace'): Promise<void> {
  const spec: NexthopSpec = {};
  const res: ResilientGroupSpec = {};
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'id') spec.id = args.uint('id');
    else if (w === 'via') spec.gateway = args.value('via');
    else if (w === 'dev') spec.oif = args.value('dev');
    else if (w === 'onlink') spec.onlink = true;
    else if (w === 'blackhole') spec.blackhole = true;
    else if (w === 'fdb') spec.fdb = true;
    else if (w === 'group') spec.group = groupArg(args);
    else if (w === 'type') {
      const t = args.value('type');
      if (t !== 'mpath' && t !== 'resilient') throw args.error(`unknown group type "${t}"; expected mpath or resilient`);
      spec.type = t;
    } else if (w === 'buckets') res.buckets = args.uint('buckets', 0xffff);
    else if (w === 'idle_timer') res.idleTimer = parseSeconds(args.value(w), w, args.topic);
    else if (w === 'unbalanced_timer') res.unbalancedTimer = parseSeconds(args.value(w), w, args.topic);
    else if (w === 'proto' || w === 'protocol') spec.protocol = protocolArg(args, args.value(w));
    else throw args.unknown(w);
  }
  if (Object.keys(res).length > 0) spec.resilient = res;
  if (ctx.options.family !== undefined && spec.group === undefined) spec.family = ctx.options.family;
  const rtnl = await ctx.handle(nexthopKinds);
  if (cmd === 'add') await rtnl.nexthops.add(spec);
  else await rtnl.nexthops.replace(spec);
}
