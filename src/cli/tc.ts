// rtnl qdisc | class | filter  show | add | replace | change | del, with the argument forms of tc
// (iproute2 6.1): `rtnl qdisc add dev eth0 root handle 1: htb default 10`, `rtnl class add dev eth0
// parent 1: classid 1:10 htb rate 1mbit ceil 2mbit`, `rtnl filter add dev eth0 parent ffff:
// protocol all u32 match u32 0 0 action mirred egress redirect dev ifb0`. Output as tc prints it:
// text, or with -j the field names and values of `tc -j`.

import type { FilterSpec, Link, QdiscSpec, TcActionSpec, TrafficClassSpec, U32Match } from '../index.js';
import { NetlinkError } from '../netlink/errors.js';
import { parseRate, parseSize, parseTime } from '../rtnl/tc/common/units.js';
import { formatHandle, parseHandle } from '../rtnl/tc/common/handle.js';
import { Args, matchKeyword, parseUint } from './args.js';
import type { Context } from './context.js';
import { classToTcJson, classToTcText, filterToTcJson, filterToTcText, qdiscToTcJson, qdiscToTcText, type FilterShown } from './tcjson.js';
import { Qdiscs } from '../rtnl/tc/qdisc/qdiscs.js';
import { Classes } from '../rtnl/tc/class/classes.js';
import { Filters } from '../rtnl/tc/filter/filters.js';
import type { Session } from '../rtnl/session.js';

/** What the tc commands use of a handle. */
const tcKinds = (s: Session) => ({ qdiscs: new Qdiscs(s.connection, s.links), classes: new Classes(s.connection, s.links), filters: new Filters(s.connection, s.links) });

const COMMANDS = ['show', 'list', 'add', 'delete', 'replace', 'change', 'help'] as const;
type Command = 'add' | 'delete' | 'replace' | 'change';

type Obj = Record<string, unknown>;

function command(args: Args): Exclude<(typeof COMMANDS)[number], 'help'> {
  const word = args.shift() ?? 'show';
  // `del` and `delete`; `ls` as tc takes it.
  const cmd = word === 'ls' ? 'list' : matchKeyword(word, COMMANDS);
  if (cmd === undefined || cmd === 'help') throw args.error(`unknown command "${word}"`);
  return cmd;
}

/** The interface names by index, for printing. */
async function devNames(ctx: Context): Promise<(index: number) => string | undefined> {
  const byIndex: Map<number, Link> = await ctx.linksByIndex();
  return (i) => byIndex.get(i)?.name;
}

/**
 * The device each shown qdisc or class line names, as tc prints it: none when the command named
 * the device (`dev NAME`), else its name (or index, when it has gone).
 */
async function shownDevs(ctx: Context, dev: string | undefined): Promise<(index: number) => string | undefined> {
  const names = await devNames(ctx);
  return (i) => (dev !== undefined ? undefined : (names(i) ?? String(i)));
}

/** `add`, `replace` or `change` of a qdisc, class or filter spec. */
async function addReplaceChange<S>(ops: { add(s: S): Promise<unknown>; replace(s: S): Promise<unknown>; change(s: S): Promise<unknown> }, cmd: Exclude<Command, 'delete'>, spec: S): Promise<void> {
  if (cmd === 'add') await ops.add(spec);
  else if (cmd === 'replace') await ops.replace(spec);
  else await ops.change(spec);
}

/** Where a qdisc or class is: its device, parent and handle as the command names them. */
interface Place {
  dev?: string;
  parent?: string;
  handle?: string;
}

/**
 * Takes the words qdisc and class commands share (`dev NAME`, `root`, `parent H` and the handle:
 * `handle H` for a qdisc, `classid H` for a class) into `place`; false when `w` is none of them.
 */
function placeWord(w: string, args: Args, place: Place, handleWord: 'handle' | 'classid'): boolean {
  if (w === 'dev') place.dev = args.value('dev');
  else if (w === 'root') place.parent = 'root';
  else if (w === 'parent') place.parent = handleArg(args, 'parent');
  else if (w === handleWord) place.handle = handleArg(args, handleWord);
  else return false;
  return true;
}

/** A handle argument, as tc reads it; refused with the argument's name before anything is sent. */
function handleArg(args: Args, what: string, filterParent = false): string {
  const v = args.value(what);
  return formatHandle(parseHandle(v, what, { filterParent }));
}

function uintArg(args: Args, what: string, max = 0xffffffff): number {
  return args.uint(what, max);
}

/** `linklayer ethernet|atm` (tc also takes adsl for atm). */
function linklayerArg(args: Args): 'ethernet' | 'atm' {
  const v = args.value('linklayer');
  if (v === 'ethernet') return 'ethernet';
  if (v === 'atm' || v === 'adsl') return 'atm';
  throw args.error(`invalid linklayer "${v}": expected ethernet or atm`);
}

/** A size as tc reads a burst (`32kbit`, `10k`, `1600`), without its optional `/CELL` part. */
function sizeArg(args: Args, what: string): number {
  return parseSize(args.value(what).replace(/\/\d+$/, ''), what);
}

// ---------------------------------------------------------------------------------------------
// qdisc

/** Runs `rtnl qdisc ...`. */
export async function runQdisc(ctx: Context, args: Args): Promise<void> {
  const cmd = command(args);
  if (cmd === 'show' || cmd === 'list') return showQdiscs(ctx, args);
  return changeQdisc(ctx, args, cmd);
}

async function showQdiscs(ctx: Context, args: Args): Promise<void> {
  let dev: string | undefined;
  let invisible = false;
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'dev') dev = args.value('dev');
    else if (w === 'invisible') invisible = true;
    else if (dev === undefined && !w.startsWith('-')) dev = w;
    else throw args.unknown(w);
  }
  const rtnl = await ctx.handle(tcKinds);
  const qdiscs = await rtnl.qdiscs.list({ ...(dev !== undefined ? { link: dev } : {}), ...(invisible ? { invisible } : {}) });
  const shownDev = await shownDevs(ctx, dev);
  // tc does not show the noop qdisc of a link that is down (lo in a new namespace).
  const shown = qdiscs.filter((q) => q.kind !== 'noop');
  const stats = ctx.options.stats;
  if (ctx.options.json) ctx.json(shown.map((q) => qdiscToTcJson(q, shownDev(q.link), stats)));
  else ctx.io.stdout.write(shown.map((q) => qdiscToTcText(q, shownDev(q.link), stats)).join(''));
}

/** `dev`, `handle`, `root|parent|ingress|clsact`, `ingress_block`, `egress_block`, then KIND [OPTIONS]. */
function parseQdisc(args: Args): QdiscSpec & { link: string } {
  const place: Place = {};
  const spec: Partial<QdiscSpec> = {};
  while (!args.done) {
    const w = args.shift() as string;
    if (placeWord(w, args, place, 'handle')) continue;
    switch (w) {
      case 'ingress':
      case 'clsact':
        // As tc: the kind, its place and its handle at once.
        spec.kind = w;
        place.parent = 'ffff:fff1';
        place.handle ??= 'ffff:';
        break;
      case 'ingress_block':
        spec.ingressBlock = uintArg(args, 'ingress_block');
        break;
      case 'egress_block':
        spec.egressBlock = uintArg(args, 'egress_block');
        break;
      case 'estimator':
      case 'stab':
        throw args.error(`"${w}" is not supported by rtnl`);
      default:
        spec.kind = w;
        spec.options = qdiscOptions(w, args);
    }
  }
  if (place.dev === undefined) throw args.error('name the device: "dev NAME"');
  if (place.parent !== undefined) spec.parent = place.parent;
  if (place.handle !== undefined) spec.handle = place.handle;
  return { ...spec, link: place.dev };
}

/** The options of a qdisc kind, as tc's q_*.c read them. */
function qdiscOptions(kind: string, args: Args): QdiscSpec['options'] {
  const o: Obj = {};
  switch (kind) {
    case 'htb':
      while (!args.done) {
        const w = args.shift() as string;
        if (w === 'default') o.defaultClass = parseInt(hex(args, 'default'), 16);
        else if (w === 'r2q') o.r2q = uintArg(args, 'r2q');
        else if (w === 'direct_qlen') o.directQlen = uintArg(args, 'direct_qlen');
        else if (w === 'offload') o.offload = true;
        else if (w === 'debug') o.debug = uintArg(args, 'debug');
        else throw args.unknown(w);
      }
      return o;
    case 'tbf':
      while (!args.done) {
        const w = args.shift() as string;
        if (w === 'rate') o.rate = parseRate(args.value('rate'), 'rate');
        else if (w === 'burst' || w === 'buffer' || w === 'maxburst') o.burst = sizeArg(args, w);
        else if (w === 'limit') o.limit = sizeArg(args, 'limit');
        else if (w === 'latency') o.latency = parseTime(args.value('latency'), 'latency');
        else if (w === 'peakrate') o.peakrate = parseRate(args.value('peakrate'), 'peakrate');
        else if (w === 'mtu' || w === 'minburst') o.mtu = sizeArg(args, w);
        else if (w === 'mpu') o.mpu = sizeArg(args, 'mpu');
        else if (w === 'overhead') o.overhead = uintArg(args, 'overhead', 0xffff);
        else if (w === 'linklayer') o.linklayer = linklayerArg(args);
        else throw args.unknown(w);
      }
      if (o.rate === undefined) throw args.error('tbf needs "rate"');
      if (o.burst === undefined) throw args.error('tbf needs "burst"');
      if (o.limit === undefined && o.latency === undefined) throw args.error('tbf needs "limit" or "latency"');
      return o;
    case 'pfifo':
    case 'bfifo':
    case 'pfifo_head_drop':
      while (!args.done) {
        const w = args.shift() as string;
        if (w !== 'limit') throw args.unknown(w);
        o.limit = kind === 'bfifo' ? sizeArg(args, 'limit') : uintArg(args, 'limit');
      }
      return args.done && o.limit === undefined ? undefined : o;
    case 'prio':
      while (!args.done) {
        const w = args.shift() as string;
        if (w === 'bands') o.bands = uintArg(args, 'bands', 16);
        else if (w === 'priomap') {
          const map: number[] = [];
          while (!args.done && /^\d+$/.test(args.peek() as string)) map.push(uintArg(args, 'priomap', 15));
          o.priomap = map;
        } else throw args.unknown(w);
      }
      return o;
    default:
      // Kinds without options here (noqueue, pfifo_fast, ...) or this CLI does not know: the
      // kind alone is sent, and the kernel answers for it.
      if (!args.done) throw args.error(`options of ${kind} qdiscs are not supported by rtnl (the library takes them: rtnl.qdiscs.add)`);
      return undefined;
  }
}

function hex(args: Args, what: string): string {
  const v = args.value(what).replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,8}$/i.test(v)) throw args.error(`invalid ${what} "${v}": expected a hexadecimal number`);
  return v;
}

async function changeQdisc(ctx: Context, args: Args, cmd: Command): Promise<void> {
  const spec = parseQdisc(args);
  const rtnl = await ctx.handle(tcKinds);
  if (cmd === 'delete') {
    if (spec.parent === undefined && spec.handle === undefined) throw args.error('name the qdisc: "root", "parent H", "handle H", "ingress" or "clsact"');
    if (spec.parent === undefined) {
      const q = await rtnl.qdiscs.get({ link: spec.link, handle: spec.handle as string });
      await rtnl.qdiscs.delete({ ...spec, parent: q.parent });
    } else {
      await rtnl.qdiscs.delete(spec);
    }
    return;
  }
  if (spec.kind === undefined) throw args.error('name the qdisc kind (htb, tbf, pfifo, ingress, clsact, ...)');
  await addReplaceChange(rtnl.qdiscs, cmd, spec);
}

// ---------------------------------------------------------------------------------------------
// class

/** Runs `rtnl class ...`. */
export async function runClass(ctx: Context, args: Args): Promise<void> {
  const cmd = command(args);
  if (cmd === 'show' || cmd === 'list') return showClasses(ctx, args);
  return changeClass(ctx, args, cmd);
}

async function showClasses(ctx: Context, args: Args): Promise<void> {
  const place: Place = {};
  while (!args.done) {
    const w = args.shift() as string;
    if (placeWord(w, args, place, 'classid')) continue;
    if (place.dev === undefined && !w.startsWith('-')) place.dev = w;
    else throw args.unknown(w);
  }
  const { dev, parent, handle } = place;
  const rtnl = await ctx.handle(tcKinds);
  const classes = await rtnl.classes.list({ ...(dev !== undefined ? { link: dev } : {}), ...(parent !== undefined ? { parent } : {}), ...(handle !== undefined ? { handle } : {}) });
  const shownDev = await shownDevs(ctx, dev);
  const { stats, details } = ctx.options;
  if (ctx.options.json) ctx.json(classes.map((c) => classToTcJson(c, shownDev(c.link), stats, details)));
  else ctx.io.stdout.write(classes.map((c) => classToTcText(c, shownDev(c.link), stats, details)).join(''));
}

function parseClass(args: Args): TrafficClassSpec & { link: string } {
  const place: Place = {};
  const spec: Partial<TrafficClassSpec> = {};
  while (!args.done) {
    const w = args.shift() as string;
    if (placeWord(w, args, place, 'classid')) continue;
    if (w === 'estimator') throw args.error(`"${w}" is not supported by rtnl`);
    spec.kind = w;
    spec.options = classOptions(w, args);
  }
  if (place.dev === undefined) throw args.error('name the device: "dev NAME"');
  if (place.handle === undefined) throw args.error('name the class: "classid MAJOR:MINOR"');
  if (place.parent !== undefined) spec.parent = place.parent;
  return { ...spec, link: place.dev, handle: place.handle };
}

function classOptions(kind: string, args: Args): TrafficClassSpec['options'] {
  if (kind !== 'htb') {
    if (!args.done) throw args.error(`options of ${kind} classes are not supported by rtnl`);
    return undefined;
  }
  const o: Obj = {};
  while (!args.done) {
    const w = args.shift() as string;
    if (w === 'rate') o.rate = parseRate(args.value('rate'), 'rate');
    else if (w === 'ceil') o.ceil = parseRate(args.value('ceil'), 'ceil');
    else if (w === 'burst' || w === 'buffer' || w === 'maxburst') o.burst = sizeArg(args, 'burst');
    else if (w === 'cburst' || w === 'cbuffer' || w === 'cmaxburst') o.cburst = sizeArg(args, 'cburst');
    else if (w === 'prio') o.prio = uintArg(args, 'prio', 7);
    else if (w === 'quantum') o.quantum = uintArg(args, 'quantum');
    else if (w === 'mtu') o.mtu = uintArg(args, 'mtu');
    else if (w === 'mpu') o.mpu = sizeArg(args, 'mpu');
    else if (w === 'overhead') o.overhead = uintArg(args, 'overhead', 0xffff);
    else if (w === 'linklayer') o.linklayer = linklayerArg(args);
    else throw args.unknown(w);
  }
  return o;
}

async function changeClass(ctx: Context, args: Args, cmd: Command): Promise<void> {
  const spec = parseClass(args);
  const rtnl = await ctx.handle(tcKinds);
  if (cmd === 'delete') return rtnl.classes.delete(spec);
  if (spec.kind === undefined) throw args.error('name the class kind (htb)');
  try {
    await addReplaceChange(rtnl.classes, cmd, spec);
  } catch (e) {
    // The kernel gives no text for a class whose qdisc or parent class is missing: say which.
    if (e instanceof NetlinkError && e.code === 'ENOENT' && e.extack.message === undefined) {
      const parent = spec.parent ?? `${String(spec.handle).split(':')[0]}:`;
      throw new Error(`${e.message}: no qdisc or class ${String(parent)} on ${spec.link} to hold class ${String(spec.handle)}`, { cause: e });
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// filter

/** Runs `rtnl filter ...`. */
export async function runFilter(ctx: Context, args: Args): Promise<void> {
  const cmd = command(args);
  if (cmd === 'show' || cmd === 'list') return showFilters(ctx, args);
  return changeFilter(ctx, args, cmd);
}

/** A protocol as tc reads it (ll_proto_a2n): a name the library knows, or a number. */
function protocolArg(args: Args): string | number {
  const v = args.value('protocol');
  if (/^(0x[0-9a-f]+|\d+)$/i.test(v)) return parseUint(v, 'protocol', 0xffff, args.topic);
  return v;
}

/** What `dev`, `parent|root|ingress|egress`, `handle`, `protocol`, `prio|pref`, `chain` say. */
interface FilterHead {
  dev?: string;
  parent?: string;
  handle?: string;
  protocol?: string | number;
  priority?: number;
  chain?: number;
}

/** One of the words every filter command takes; false when `w` is not one. */
function filterHead(w: string, args: Args, head: FilterHead): boolean {
  switch (w) {
    case 'dev':
      head.dev = args.value('dev');
      return true;
    case 'parent':
      head.parent = handleArg(args, 'parent', true);
      return true;
    case 'root':
      head.parent = 'root';
      return true;
    case 'ingress':
      head.parent = 'ffff:fff2';
      return true;
    case 'egress':
      head.parent = 'ffff:fff3';
      return true;
    case 'handle':
      head.handle = args.value('handle');
      return true;
    case 'protocol':
      head.protocol = protocolArg(args);
      return true;
    case 'prio':
    case 'pref':
    case 'priority':
      head.priority = uintArg(args, 'prio', 0xffff);
      return true;
    case 'chain':
      head.chain = uintArg(args, 'chain');
      return true;
    default:
      return false;
  }
}

async function showFilters(ctx: Context, args: Args): Promise<void> {
  const head: FilterHead = {};
  while (!args.done) {
    const w = args.shift() as string;
    if (filterHead(w, args, head)) continue;
    if (head.dev === undefined && !w.startsWith('-')) head.dev = w;
    else throw args.unknown(w);
  }
  if (head.handle !== undefined) throw args.error('"handle" is not supported by "filter show": name the priority');
  const rtnl = await ctx.handle(tcKinds);
  const filters = await rtnl.filters.list({
    ...(head.dev !== undefined ? { link: head.dev } : {}),
    ...(head.parent !== undefined ? { parent: head.parent } : {}),
    ...(head.priority !== undefined ? { priority: head.priority } : {}),
    ...(head.protocol !== undefined ? { protocol: head.protocol } : {}),
    ...(head.chain !== undefined ? { chain: head.chain } : {}),
  });
  const names = await devNames(ctx);
  const shown: FilterShown = { ...(head.dev !== undefined ? { dev: head.dev } : {}) };
  if (head.parent !== undefined) shown.parent = head.parent;
  if (head.priority !== undefined) shown.priority = head.priority;
  if (head.protocol !== undefined) shown.protocol = head.protocol;
  if (head.chain !== undefined) shown.chain = head.chain;
  if (ctx.options.json) ctx.json(filters.map((f) => filterToTcJson(f, shown, names)));
  else ctx.io.stdout.write(filters.map((f) => filterToTcText(f, shown, names, ctx.options.stats)).join(''));
}

function parseFilter(args: Args): FilterSpec & { link: string } {
  const head: FilterHead = {};
  let kind: string | undefined;
  let options: FilterSpec['options'];
  while (!args.done) {
    const w = args.shift() as string;
    if (filterHead(w, args, head)) continue;
    kind = w;
    options = filterOptions(w, args);
  }
  if (head.dev === undefined) throw args.error('name the device: "dev NAME"');
  if (head.parent === undefined) throw args.error('name the parent: "parent H", "root", "ingress" or "egress"');
  const spec: FilterSpec & { link: string } = { link: head.dev, parent: head.parent };
  if (kind !== undefined) spec.kind = kind;
  if (options !== undefined) spec.options = options;
  if (head.handle !== undefined) spec.handle = head.handle;
  if (head.protocol !== undefined) spec.protocol = head.protocol;
  if (head.priority !== undefined) spec.priority = head.priority;
  if (head.chain !== undefined) spec.chain = head.chain;
  return spec;
}

function filterOptions(kind: string, args: Args): FilterSpec['options'] {
  if (kind !== 'u32') {
    if (!args.done) throw args.error(`options of ${kind} filters are not supported by rtnl (the library takes them: rtnl.filters.add)`);
    return undefined;
  }
  const o: Obj = {};
  const matches: U32Match[] = [];
  const actions: TcActionSpec[] = [];
  while (!args.done) {
    const w = args.shift() as string;
    switch (w) {
      case 'match':
        matches.push(u32Match(args));
        break;
      case 'classid':
      case 'flowid':
        o.classid = handleArg(args, w);
        break;
      case 'action':
      case 'actions':
        actions.push(action(args));
        break;
      case 'ht':
        o.hashTable = args.value('ht');
        break;
      case 'link':
        o.link = args.value('link');
        break;
      case 'divisor':
        o.divisor = uintArg(args, 'divisor', 256);
        break;
      case 'indev':
        o.indev = args.value('indev');
        break;
      case 'skip_hw':
      case 'skip_sw':
        o.flags = [...((o.flags as string[] | undefined) ?? []), w];
        break;
      case 'mark':
        o.mark = { value: uintArg(args, 'mark'), mask: uintArg(args, 'mark mask') };
        break;
      default:
        throw args.error(`unknown argument "${w}" for a u32 filter (rtnl takes match, classid|flowid, action, ht, link, divisor, indev, mark, skip_hw, skip_sw)`);
    }
  }
  if (matches.length > 0) o.matches = matches;
  if (actions.length > 0) o.actions = actions;
  return o as FilterSpec['options'];
}

/** `match u32|u16|u8 VALUE MASK at OFFSET`, `match ip|ip6 src|dst PREFIX`, `match ip|ip6 sport|dport|protocol|tos VALUE MASK`. */
function u32Match(args: Args): U32Match {
  const type = args.value('match');
  switch (type) {
    case 'u32':
    case 'u16':
    case 'u8': {
      const bits = Number(type.slice(1));
      const max = bits === 32 ? 0xffffffff : (1 << bits) - 1;
      const value = uintArg(args, `match ${type} value`, max);
      const mask = uintArg(args, `match ${type} mask`, max);
      // As tc, `at OFFSET` may be left out: offset 0.
      let atText = '0';
      if (args.peek() === 'at') {
        args.shift();
        atText = args.value('at');
      }
      const next = /^nexthdr\+(\d+)$/.exec(atText);
      const off = parseUint(next ? (next[1] as string) : atText, 'at', 0xffff, args.topic);
      const size = bits / 8;
      if (off % size !== 0) throw args.error(`invalid offset ${off} for match ${type}: it must be a multiple of ${size}`);
      // tc packs 16- and 8-bit matches into the 32-bit word that holds them (pack_key16/pack_key8).
      const shift = 8 * (4 - size - (off % 4));
      const m: U32Match = { type: 'u32', value: (value * 2 ** shift) >>> 0, mask: (mask * 2 ** shift) >>> 0, at: off - (off % 4) };
      if (next) m.offmask = -1;
      return m;
    }
    case 'ip':
    case 'ip6': {
      const field = args.value(`match ${type}`);
      if (field === 'src' || field === 'dst') return { type, field, prefix: args.value(`match ${type} ${field}`) };
      if (field === 'sport' || field === 'dport' || field === 'protocol' || (field === 'tos' && type === 'ip') || (field === 'dsfield' && type === 'ip')) {
        const max = field === 'sport' || field === 'dport' ? 0xffff : 0xff;
        const value = uintArg(args, `match ${type} ${field}`, max);
        const mask = uintArg(args, `match ${type} ${field} mask`, max);
        return { type, field: field === 'dsfield' ? 'tos' : field, value, mask };
      }
      throw args.error(`"match ${type} ${field}" is not supported by rtnl (src, dst, sport, dport, protocol${type === 'ip' ? ', tos' : ''})`);
    }
    default:
      throw args.error(`"match ${type}" is not supported by rtnl (u32, u16, u8, ip, ip6)`);
  }
}

/** tc's names of control actions (action_a2n), as the model writes them. */
const CONTROLS: Readonly<Record<string, string>> = {
  continue: 'continue',
  drop: 'drop',
  shot: 'drop',
  pass: 'pass',
  ok: 'pass',
  reclassify: 'reclassify',
  pipe: 'pipe',
  stolen: 'stolen',
  trap: 'trap',
};

/** A control action at the current word, if there is one (`goto chain N` and `jump N` included). */
function controlArg(args: Args): string | undefined {
  const w = args.peek();
  if (w === undefined) return undefined;
  if (Object.hasOwn(CONTROLS, w)) {
    args.shift();
    return CONTROLS[w];
  }
  if (w === 'goto') {
    args.shift();
    if (args.shift() !== 'chain') throw args.error('"goto" needs "chain N"');
    return `goto chain ${uintArg(args, 'goto chain')}`;
  }
  if (w === 'jump') {
    args.shift();
    return `jump ${uintArg(args, 'jump')}`;
  }
  return undefined;
}

/** `action mirred ...`, `action gact CONTROL`, `action CONTROL`, `action police ...`. */
function action(args: Args): TcActionSpec {
  const kind = args.value('action');
  if (Object.hasOwn(CONTROLS, kind)) return { kind: 'gact', control: CONTROLS[kind] as string };
  switch (kind) {
    case 'mirred': {
      const direction = args.value('mirred');
      if (direction !== 'egress' && direction !== 'ingress') throw args.error(`invalid mirred direction "${direction}": expected egress or ingress`);
      const act = args.value('mirred');
      if (act !== 'redirect' && act !== 'mirror') throw args.error(`invalid mirred action "${act}": expected redirect or mirror`);
      if (args.shift() !== 'dev') throw args.error('"mirred" needs "dev NAME"');
      const a: TcActionSpec = { kind: 'mirred', direction, action: act, link: args.value('dev') };
      const control = controlArg(args);
      if (control !== undefined) a.control = control;
      if (args.peek() === 'index') {
        args.shift();
        a.index = uintArg(args, 'index');
      }
      return a;
    }
    case 'gact': {
      const control = controlArg(args);
      if (control === undefined) throw args.error('"gact" needs a control action (pass, drop, pipe, reclassify, continue, ...)');
      const a: TcActionSpec = { kind: 'gact', control };
      if (args.peek() === 'index') {
        args.shift();
        a.index = uintArg(args, 'index');
      }
      return a;
    }
    case 'police': {
      const a: TcActionSpec & Obj = { kind: 'police' };
      for (;;) {
        const w = args.peek();
        if (w === 'rate') a.rate = parseRate((args.shift(), args.value('rate')), 'rate');
        else if (w === 'burst' || w === 'buffer' || w === 'maxburst') a.burst = (args.shift(), sizeArg(args, 'burst'));
        else if (w === 'mtu' || w === 'minburst') a.mtu = (args.shift(), sizeArg(args, 'mtu'));
        else if (w === 'peakrate') a.peakrate = parseRate((args.shift(), args.value('peakrate')), 'peakrate');
        else if (w === 'avrate') a.avrate = parseRate((args.shift(), args.value('avrate')), 'avrate');
        else if (w === 'overhead') a.overhead = (args.shift(), uintArg(args, 'overhead', 0xffff));
        else if (w === 'linklayer') a.linklayer = (args.shift(), linklayerArg(args));
        else if (w === 'index') a.index = (args.shift(), uintArg(args, 'index'));
        else if (w === 'conform-exceed') {
          args.shift();
          const [exceed, conform] = args.value('conform-exceed').split('/');
          const name = (c: string | undefined): string => {
            if (c === undefined || !Object.hasOwn(CONTROLS, c)) throw args.error(`invalid conform-exceed "${String(c)}"`);
            return CONTROLS[c] as string;
          };
          a.control = name(exceed);
          if (conform !== undefined) a.conform = name(conform);
        } else {
          const c = controlArg(args);
          if (c === undefined) break;
          a.control = c;
        }
      }
      return a as TcActionSpec;
    }
    default:
      throw args.error(`action "${kind}" is not supported by rtnl (mirred, gact, police, or a control such as drop, pass)`);
  }
}

async function changeFilter(ctx: Context, args: Args, cmd: Command): Promise<void> {
  const spec = parseFilter(args);
  const rtnl = await ctx.handle(tcKinds);
  // As tc: a deletion without a protocol matches any (0), not `all`.
  if (cmd === 'delete') return rtnl.filters.delete({ ...spec, protocol: spec.protocol ?? 0 });
  if (spec.kind === undefined) throw args.error('name the filter kind (u32)');
  await addReplaceChange(rtnl.filters, cmd, spec);
}
