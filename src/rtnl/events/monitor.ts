// The entry points of kernel events: monitor() passes the groups' events through as the kernel
// sends them; watch() yields the current objects, then every change after them (see stream.ts for
// how the stream avoids gaps and duplicates and resynchronises after losses).

import { checkBool, checkInt, checkOptions, checkSignal, describeValue } from '../../netlink/args.js';
import { InvalidArgumentError } from '../../netlink/errors.js';
import { MAX_RECEIVE_BUFFER_SIZE } from '../../netlink/socket.js';
import { FAMILY_GROUPS, GROUP_FAMILIES, GROUP_SHORTHANDS, RTNL_GROUPS, type EventFamily, type GroupFamilies, type MonitorGroup, type RtnlGroupName } from './families.js';
import { EventStream } from './stream.js';
import type { EventHost, MonitorEvent, MonitorOptions, WatchOptions } from './types.js';

export {
  GROUP_SHORTHANDS,
  RTNL_GROUPS,
  type EventFamily,
  type EventObjects,
  type GroupFamilies,
  type IgnoreTree,
  type MonitorGroup,
  type RouteObject,
  type RtnlGroupName,
  type RuleObject,
} from './families.js';
export { EventStream } from './stream.js';
export type {
  DropCounts,
  EventHost,
  EventSocket,
  MalformedEvent,
  MonitorEvent,
  MonitorOptions,
  ObjectEvent,
  ObjectEventOf,
  OverrunEvent,
  ResyncedEvent,
  SyncedEvent,
  WatchOptions,
} from './types.js';

/**
 * Subscribes to rtnetlink multicast groups of the handle's namespace and yields their events,
 * typed per family, as the kernel sends them. The subscription starts now (events from this call
 * on are queued); iterate with `for await`. Breaking out of the loop, {@link EventStream.close}
 * or aborting `options.signal` ends it and closes its socket.
 *
 * @example
 * ```ts
 * for await (const ev of monitor(rtnl, ['link', 'address'])) {
 *   if (ev.type === 'overrun') console.warn('events were lost');
 *   else if ((ev.type === 'new' || ev.type === 'del') && ev.family === 'link') console.log(ev.type, ev.object.name);
 * }
 * ```
 * @param groups - Group names ({@link RTNL_GROUPS}) or shorthands (`address`, `route`, `rule`).
 * @throws {@link InvalidArgumentError} for an unknown group, no group, or `allNamespaces` with `resync`.
 * @throws {@link SocketError} when the socket cannot be opened.
 */
export function monitor<G extends MonitorGroup>(
  rtnl: EventHost,
  groups: G | readonly G[],
  options: MonitorOptions = {},
): EventStream<MonitorEvent<GroupFamilies[G]>> {
  checkHost(rtnl);
  const list = names('groups', groups) as MonitorGroup[];
  checkStreamOptions(options, ['signal', 'allNamespaces', 'resync', 'receiveBufferSize']);
  const joined = new Set<RtnlGroupName>();
  for (const g of list) {
    if (Object.hasOwn(GROUP_SHORTHANDS, g)) for (const x of GROUP_SHORTHANDS[g as keyof typeof GROUP_SHORTHANDS]) joined.add(x);
    else if (Object.hasOwn(RTNL_GROUPS, g)) joined.add(g as RtnlGroupName);
    else throw new InvalidArgumentError('groups', `unknown group ${JSON.stringify(g)}; expected one of ${[...Object.keys(RTNL_GROUPS), ...Object.keys(GROUP_SHORTHANDS)].join(', ')}`);
  }
  if (options.allNamespaces && options.resync) {
    throw new InvalidArgumentError('resync', 'cannot be combined with allNamespaces: other namespaces cannot be re-dumped through this handle');
  }
  return new EventStream(rtnl, {
    groups: joined,
    families: new Set([...joined].flatMap((g) => GROUP_FAMILIES[g])),
    mode: options.resync ? 'shadow' : 'raw',
    allNamespaces: options.allNamespaces ?? false,
    resync: true,
    receiveBufferSize: options.receiveBufferSize,
    signal: options.signal,
  });
}

/**
 * The current objects of one or more families, then every change after them, with no change
 * missed and none reported twice.
 *
 * Yields first every current object as a `new` event flagged `initial`, then a `synced` marker,
 * then changes: `new` for an object created or changed, `del` for one deleted. Events that would
 * not change the view are left out (a `new` equal to the object already reported, ignoring
 * counters and timers; a `del` of an unknown object). Objects are identified by a key per family:
 *
 * - link: `index`;
 * - address: `family`, `index`, `prefixlen`, `local`, `address`;
 * - route: `family`, table, `dst`/`dstLen`, `src`/`srcLen`, `tos`, `priority`, `oif`, `gateway`
 *   (a `new` flagged NLM_F_REPLACE by the kernel first deletes the routes with the same destination,
 *   table, tos and priority but another path);
 * - neigh: `family`, `ifindex`, `dst` (bridge FDB entries also `lladdr`, `vlan`, `vni`);
 * - rule: its whole content; nexthop: `id`; nsid: `nsid`;
 * - qdisc: `link`, `handle`, `parent`; class: `link`, `handle`; filter: `link`, `parent`, `chain`,
 *   `priority`, `protocol`, `handle` (`qdiscKey`, `classKey`, `filterKey`).
 *
 * A view built by applying the events by these keys equals a fresh dump, compared without the
 * fields that change without an event (counters, timers, settings announced elsewhere): for links
 * `stats`, `afSpec.inet`/`afSpec.inet6`, the TSO/GSO/GRO limits a bridge recomputes from its
 * ports, and bridge and bridge-port timers (`linkFacts.volatile`); `cacheinfo` of addresses, routes
 * and neighbours; neighbour `probes`; nexthop `groupStats`; tc `stats` and `xstats`, a qdisc's
 * `refcount`, an htb class's `level` and `leaf`, a filter's actions' counters and times. Not part of the view, because the
 * kernel does not announce them: bridge-family views of bridge ports (`family: 'bridge'`), cloned IPv6
 * routes, proxy neighbours, FDB entries not managed by a bridge (`self` mirrors of device address
 * lists), the kernel's default qdiscs (handle `0:`) and their classes, IPv4/IPv6 neighbours without a state or `incomplete` or `noarp`, and IPv6 addresses
 * while `tentative` (they appear when duplicate address detection ends).
 *
 * Changes the kernel makes without an event are found by re-dumping and reported as events
 * flagged `resync`: routes and nexthops after a link goes down, comes up or loses its carrier;
 * routes through a nexthop object that changed; IPv6 multipath routes changed path by path; tc
 * objects created or removed along with others (the classes, qdiscs and filters under a deleted
 * qdisc or class, a u32 priority's entry and hash table, everything of a deleted link); a
 * veth's `link` (its peer's index), known only after it was announced. A dump
 * the kernel keeps flagging as interrupted (objects changing throughout) is used, and repeated a
 * little later (20 ms, doubling up to 1 s) until a clean one confirms or corrects it.
 *
 * After an `overrun` (events lost), the view is re-dumped and the differences come as `resync`
 * events, followed by `resynced` (unless `options.resync` is false).
 *
 * @example
 * ```ts
 * const view = new Map<number, Link>();
 * for await (const ev of watch(rtnl, 'link')) {
 *   if (ev.type === 'new') view.set(ev.object.index, ev.object);
 *   else if (ev.type === 'del') view.delete(ev.object.index);
 * }
 * ```
 * @throws {@link InvalidArgumentError} for an unknown family.
 * @throws {@link SocketError} when the socket cannot be opened.
 */
export function watch<F extends EventFamily>(rtnl: EventHost, family: F | readonly F[], options: WatchOptions = {}): EventStream<MonitorEvent<F>> {
  checkHost(rtnl);
  const list = names('family', family) as EventFamily[];
  checkStreamOptions(options, ['signal', 'resync', 'receiveBufferSize']);
  const joined = new Set<RtnlGroupName>();
  for (const f of list) {
    if (!Object.hasOwn(FAMILY_GROUPS, f)) throw new InvalidArgumentError('family', `unknown family ${JSON.stringify(f)}; expected one of ${Object.keys(FAMILY_GROUPS).join(', ')}`);
    for (const g of FAMILY_GROUPS[f]) joined.add(g);
  }
  return new EventStream(rtnl, {
    groups: joined,
    families: new Set(list),
    mode: 'watch',
    allNamespaces: false,
    resync: options.resync ?? true,
    receiveBufferSize: options.receiveBufferSize,
    signal: options.signal,
  });
}

/** A handle: what `monitor()`/`watch()` are given first (an `Rtnl`). */
function checkHost(host: unknown): void {
  const h = host as Partial<EventHost> | null;
  if (h === null || typeof h !== 'object' || typeof h.openSocket !== 'function' || !(h.closeSignal instanceof AbortSignal)) {
    throw new InvalidArgumentError('rtnl', `expected an Rtnl handle, got ${describeValue(host)}`);
  }
}

/** One name or a non-empty array of names. */
function names(field: string, value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? (value as unknown[]) : undefined;
  if (list === undefined) throw new InvalidArgumentError(field, `expected a name or an array of names, got ${describeValue(value)}`);
  if (list.length === 0) throw new InvalidArgumentError(field, `name at least one ${field === 'groups' ? 'group' : 'family'}`);
  list.forEach((v, i) => {
    if (typeof v !== 'string') throw new InvalidArgumentError(`${field}.${i}`, `expected a name, got ${describeValue(v)}`);
  });
  return list as string[];
}

function checkStreamOptions(options: MonitorOptions | WatchOptions | undefined, allowed: readonly string[]): void {
  const o = checkOptions<MonitorOptions>(options, 'options', allowed);
  checkSignal('signal', o.signal);
  checkBool('allNamespaces', o.allNamespaces);
  checkBool('resync', o.resync);
  checkInt('receiveBufferSize', o.receiveBufferSize, 1, MAX_RECEIVE_BUFFER_SIZE);
}
