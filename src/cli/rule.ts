// rtnl rule show | add | del

import type { PortRange, RuleSpec } from '../index.js';
import type { RouteTable } from '../index.js';
import { Args, matchKeyword, parseUint } from './args.js';
import type { Context } from './context.js';
import { ruleToIpJson } from './ipjson.js';
import { ipProtocols } from './names.js';
import { protocolArg, tableArg } from './route.js';
import { ruleActionText, ruleSelectorText } from './text.js';
import { Rules } from '../rtnl/rule/rules.js';
import type { Session } from '../rtnl/session.js';

/** What the rule commands use of a handle. */
const ruleKinds = (s: Session) => ({ rules: new Rules(s.connection) });

const COMMANDS = ['show', 'list', 'lst', 'add', 'delete', 'help'] as const;

/** Runs `rtnl rule ...`. */
export async function runRule(ctx: Context, args: Args): Promise<void> {
  const word = args.shift() ?? 'show';
  const cmd = matchKeyword(word, COMMANDS);
  switch (cmd) {
    case 'show':
    case 'list':
    case 'lst':
      return showRules(ctx, args);
    case 'add':
    case 'delete':
      return changeRule(ctx, args, cmd);
    default:
      throw args.error(`unknown command "${word}"`);
  }
}

async function showRules(ctx: Context, args: Args): Promise<void> {
  if (!args.done) throw args.unknown(args.shift() as string);
  const rtnl = await ctx.handle(ruleKinds);
  // As ip: IPv4 rules unless -6.
  const rules = await rtnl.rules.list({ family: ctx.options.family ?? 'inet' });
  const objs = rules.map((r) => ruleToIpJson(r, ctx.options.details));
  if (ctx.options.json) ctx.json(objs);
  else ctx.table(['PRIORITY', 'SELECTOR', 'ACTION'], objs.map((o) => [o.priority as number, ruleSelectorText(o), ruleActionText(o)]));
}

function portRange(args: Args, what: string): PortRange {
  const text = args.value(what);
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw args.error(`invalid ${what} "${text}": expected PORT or PORT-PORT`);
  const lo = parseUint(m[1], what, 0xffff, args.topic);
  return { start: lo, end: m[2] === undefined ? lo : parseUint(m[2], what, 0xffff, args.topic) };
}

async function changeRule(ctx: Context, args: Args, cmd: 'add' | 'delete'): Promise<void> {
  const spec: RuleSpec = {};
  while (!args.done) {
    const w = args.shift() as string;
    switch (w) {
      case 'not':
        spec.flags = ['invert'];
        break;
      case 'from':
        spec.from = args.value('from');
        break;
      case 'to':
        spec.to = args.value('to');
        break;
      case 'priority':
      case 'preference':
      case 'pref':
      case 'order':
        spec.priority = args.uint(w);
        break;
      case 'fwmark': {
        const [mark, mask] = args.value('fwmark').split('/');
        spec.fwmark = parseUint(mark, 'fwmark', 0xffffffff, args.topic);
        if (mask !== undefined) spec.fwmask = parseUint(mask, 'fwmask', 0xffffffff, args.topic);
        break;
      }
      case 'iif':
      case 'dev':
        spec.iif = args.value(w);
        break;
      case 'oif':
        spec.oif = args.value('oif');
        break;
      case 'tos':
      case 'dsfield':
        spec.tos = args.uint(w, 255);
        break;
      case 'table':
      case 'lookup':
        spec.table = tableArg(args, args.value(w), false) as RouteTable;
        break;
      case 'goto':
        spec.goto = args.uint('goto');
        break;
      case 'nop':
      case 'blackhole':
      case 'unreachable':
      case 'prohibit':
        spec.action = w;
        break;
      case 'suppress_prefixlength':
        spec.suppressPrefixlength = args.uint(w, 128);
        break;
      case 'suppress_ifgroup':
        spec.suppressIfgroup = args.uint(w, 0x7fffffff);
        break;
      case 'uidrange': {
        const m = /^(\d+)-(\d+)$/.exec(args.value('uidrange'));
        if (!m) throw args.error('"uidrange" takes START-END');
        spec.uidRange = { start: parseUint(m[1], 'uidrange', 0xffffffff, args.topic), end: parseUint(m[2], 'uidrange', 0xffffffff, args.topic) };
        break;
      }
      case 'ipproto': {
        const p = args.value('ipproto');
        const n = ipProtocols().id(p);
        if (n === undefined || n > 255) throw args.error(`unknown IP protocol "${p}"`);
        spec.ipProto = n;
        break;
      }
      case 'sport':
        spec.sport = portRange(args, 'sport');
        break;
      case 'dport':
        spec.dport = portRange(args, 'dport');
        break;
      case 'l3mdev':
        spec.l3mdev = true;
        break;
      case 'proto':
      case 'protocol':
        spec.protocol = protocolArg(args, args.value(w));
        break;
      default:
        throw args.unknown(w);
    }
  }
  if (ctx.options.family !== undefined) spec.family = ctx.options.family;
  const rtnl = await ctx.handle(ruleKinds);
  if (cmd === 'add') await rtnl.rules.add(spec);
  else await rtnl.rules.delete(spec);
}
