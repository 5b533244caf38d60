// rtnl neigh show | add | replace | change | del

import type { NeighbourFlag, NeighbourSpec, NeighbourStateName } from '../index.js';
import type { Neighbour } from '../index.js';
import { NetlinkError } from '../netlink/errors.js';
import { Args, CommandError, matchKeyword, matches } from './args.js';
import { flushRounds, type Context } from './context.js';
import { addressBytes, bitsMatch, parseSelectorPrefix, type SelectorPrefix } from './select.js';
import { ipNeighShows, neighbourToIpJson } from './ipjson.js';
import { neighLine } from './oneline.js';
import { routeProtocols } from './names.js';
import { protocolArg } from './route.js';
import { Neighbours } from '../rtnl/neigh/neighbours.js';
import type { Session } from '../rtnl/session.js';

/** What the neighbour commands use of a handle. */
const neighKinds = (s: Session) => ({ neighbours: new Neighbours(s.connection, s.links) });

const COMMANDS = ['show', 'list', 'lst', 'flush', 'add', 'replace', 'change', 'delete', 'help'] as const;
const STATES: readonly NeighbourStateName[] = ['permanent', 'noarp', 'reachable', 'stale', 'delay', 'probe', 'failed', 'incomplete'];

/** Runs `rtnl neigh ...`. */
export async function runNeigh(ctx: Context, args: Args): Promise<void> {
  const word = args.shift() ?? 'show';
  const cmd = matchKeyword(word, COMMANDS);
  switch (cmd) {
    case 'show':
    case 'list':
    case 'lst':
      return showNeighbours(ctx, args);
    case 'flush':
      return flushNeighbours(ctx, args);
    case 'add':
    case 'replace':
    case 'change':
    case 'delete':
      return changeNeighbour(ctx, args, cmd);
    default:
      throw args.error(`unknown command "${word}"`);
  }
}

function stateArg(args: Args, text: string): NeighbourStateName {
  const s = text.toLowerCase() as NeighbourStateName;
  if (!STATES.includes(s)) throw args.error(`unknown neighbour state "${text}"; expected one of ${STATES.join(', ')}`);
  return s;
}

async function showNeighbours(ctx: Context, args: Args): Promise<void> {
  let dev: string | undefined;
  let proxy = false;
  let nud: NeighbourStateName | 'all' | undefined;
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'dev') dev = args.value('dev');
    else if (w === 'proxy') proxy = true;
    else if (w === 'nud') {
      const v = args.value('nud');
      nud = v === 'all' ? 'all' : stateArg(args, v);
    } else if (dev === undefined) dev = w;
    else throw args.unknown(w);
  }
  const rtnl = await ctx.handle(neighKinds);
  const family = ctx.options.family;
  const list = await rtnl.neighbours.list({ ...(family !== undefined ? { family } : {}), ...(dev !== undefined ? { link: dev } : {}), ...(proxy ? { proxy } : {}) });
  const shown = list.filter((n) => (nud === 'all' ? true : nud !== undefined ? n.state === nud : proxy || ipNeighShows(n)));
  const byIndex = await ctx.linksByIndex();
  const objs = shown.map((n) => neighbourToIpJson(n, byIndex, { details: ctx.options.details, devFiltered: dev !== undefined }));
  if (ctx.options.json) {
    ctx.json(objs);
    return;
  }
  if (ctx.options.oneline) {
    // -o: ip's own text, one line per entry, with -c's colours.
    for (const o of objs) ctx.line(neighLine(o, ctx.paint));
    return;
  }
  const flagWords = ['router', 'proxy', 'extern_learn', 'offload', 'managed'];
  ctx.table(
    ['DST', 'DEV', 'LLADDR', 'STATE', 'FLAGS', 'PROTO'],
    shown.map((n, i) => {
      const o = objs[i];
      return [o.dst as string, dev ?? (o.dev as string | undefined), o.lladdr as string | undefined, Array.isArray(o.state) ? o.state.join(',') : undefined, flagWords.filter((f) => f in o).join(','), o.protocol as string | undefined];
    }),
  );
}

async function changeNeighbour(ctx: Context, args: Args, cmd: 'add' | 'replace' | 'change' | 'delete'): Promise<void> {
  let address: string | undefined;
  let dev: string | undefined;
  const spec: Partial<NeighbourSpec> = {};
  const flags: NeighbourFlag[] = [];
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'to') address = args.value('to');
    else if (w === 'dev') dev = args.value('dev');
    else if (w === 'lladdr') spec.lladdr = args.value('lladdr');
    else if (w === 'nud') spec.state = stateArg(args, args.value('nud'));
    else if (w === 'router') flags.push('router');
    else if (w === 'extern_learn') flags.push('extern_learn');
    else if (w === 'use') flags.push('use');
    else if (w === 'proxy') spec.proxy = true;
    else if (w === 'proto' || w === 'protocol') spec.protocol = protocolArg(args, args.value(w));
    else if (address === undefined) address = w;
    else throw args.unknown(w);
  }
  if (address === undefined) throw args.error(`"neigh ${cmd}" needs an address`);
  if (dev === undefined) throw args.error(`"neigh ${cmd}" needs "dev NAME"`);
  if (flags.length > 0) spec.flags = flags;
  const rtnl = await ctx.handle(neighKinds);
  const full: NeighbourSpec = { ...spec, link: dev, address };
  if (cmd === 'add') await rtnl.neighbours.add(full);
  else if (cmd === 'delete') await rtnl.neighbours.delete({ link: dev, address, ...(spec.proxy ? { proxy: true } : {}) });
  else await rtnl.neighbours.replace(full);
}

/**
 * `ip neigh flush SELECTORS`: deletes the entries selected (by default every state but permanent
 * and noarp; `nud S` chooses, `nud all` is every state but noarp), in rounds until none is left.
 */
async function flushNeighbours(ctx: Context, args: Args): Promise<void> {
  if (args.done) throw new CommandError('Flush requires arguments', 1);
  let dev: string | undefined;
  let proxy = false;
  let family = ctx.options.family;
  let to: SelectorPrefix | undefined;
  let protocol: number | undefined;
  let mask: number | undefined;
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'dev') {
      const d = args.value('dev');
      if (dev !== undefined) throw args.error(`"dev" given twice ("${dev}" and "${d}")`);
      dev = d;
    } else if (w === 'proxy') proxy = true;
    else if (w === 'nud') {
      const v = args.value('nud');
      // As ip: `nud all` is every state but noarp; `none` (no state) is a bit of its own.
      mask = (mask ?? 0) | (v === 'all' ? ~NUD_BITS.noarp : v === 'none' ? NUD_NONE : NUD_BITS[stateArg(args, v)]);
    } else if (matches(w, 'protocol')) {
      const v = args.value('protocol');
      protocol = v === 'all' ? undefined : Number(protocolArg(args, v));
    } else {
      to = parseSelectorPrefix(w === 'to' ? args.value('to') : w, 'to', family, args.topic);
      family ??= to.family;
    }
  }
  const rtnl = await ctx.handle(neighKinds);
  let chosen = mask ?? ~(NUD_BITS.permanent | NUD_BITS.noarp);
  const selected = (n: Neighbour): boolean => {
    const bits = typeof n.state === 'number' ? n.state : NUD_BITS[n.state];
    if ((chosen & bits) === 0 && (bits !== 0 || (chosen & NUD_NONE) === 0)) return false;
    if (protocol !== undefined && protocolNumber(n.protocol) !== protocol) return false;
    if (to !== undefined) {
      const a = addressBytes(n.address);
      if (a === undefined || (to.family !== undefined && a.family !== to.family) || !bitsMatch(a.bytes, to.bytes, to.bits)) return false;
    }
    return true;
  };
  await flushRounds(ctx, 'entries', async () => {
    const list = await rtnl.neighbours.list({ ...(family !== undefined ? { family } : {}), ...(dev !== undefined ? { link: dev } : {}), ...(proxy ? { proxy } : {}) });
    const gone = list.filter(selected);
    for (const n of gone) {
      await rtnl.neighbours.delete(n).catch((err: unknown) => {
        if (!(err instanceof NetlinkError && err.code === 'ENOENT')) throw err;
      });
    }
    // Deleted entries the kernel still references stay as FAILED: after the first round, as ip, they are left.
    chosen &= ~NUD_BITS.failed;
    return gone.length;
  }, 10);
}

const NUD_BITS: Readonly<Record<NeighbourStateName, number>> = { incomplete: 0x01, reachable: 0x02, stale: 0x04, delay: 0x08, probe: 0x10, failed: 0x20, noarp: 0x40, permanent: 0x80, none: 0 };
// ip's bit for "no state" in a state mask.
const NUD_NONE = 0x100;

function protocolNumber(p: Neighbour['protocol']): number {
  if (p === undefined) return 0;
  return typeof p === 'number' ? p : Number(routeProtocols().id(String(p)) ?? -1);
}
