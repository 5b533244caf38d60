// The handle users open: one NETLINK_ROUTE socket (in any network namespace) and the typed
// families on top of it.

import type { Connection } from '../netlink/connection.js';
import type { NetlinkSocket, NetlinkSocketOptions } from '../netlink/socket.js';
import { InvalidArgumentError } from '../netlink/errors.js';
import { Addresses } from './address/addresses.js';
import type { EventFamily, GroupFamilies, MonitorGroup } from './events/families.js';
import { monitor, watch, type EventStream, type MonitorEvent, type MonitorOptions, type WatchOptions } from './events/monitor.js';
import type { Links } from './link/links.js';
import { Neighbours } from './neigh/neighbours.js';
import { Nexthops } from './nexthop/nexthops.js';
import { Nsids } from './nsid/nsids.js';
import { Routes } from './route/routes.js';
import { Rules } from './rule/rules.js';
import { Qdiscs } from './tc/qdisc/qdiscs.js';
import { Classes } from './tc/class/classes.js';
import { Filters } from './tc/filter/filters.js';
import { Session, type RtnlOptions } from './session.js';

export type { RtnlOptions } from './session.js';

/** The outcome of one change of {@link Rtnl.batch}: its value, or the error it failed with. */
export type BatchResult<T> =
  | {
      /** The change succeeded. */
      ok: true;
      /** What the change resolved to (`undefined` for most changes). */
      value: T;
    }
  | {
      /** The change failed. */
      ok: false;
      /** Why: a {@link NetlinkError} from the kernel, an {@link InvalidArgumentError} before sending, ... */
      error: Error;
    };

/** Options of {@link Rtnl.batch}. */
export interface BatchOptions {
  /**
   * How many changes are under way at once (default 256): a batch of any size holds this many
   * requests in memory, and each write carries up to this many. More fills larger writes but
   * keeps more promises alive (more garbage-collection work); 256 measured best here.
   */
  window?: number;
}

/**
 * A route netlink handle: links, addresses and the other families of one network namespace.
 *
 * @example
 * ```ts
 * const rtnl = await Rtnl.open({ netns: 'blue' });
 * for (const link of await rtnl.links.list()) console.log(link.index, link.name, link.operstate);
 * rtnl.close();
 * ```
 */
export class Rtnl {
  /** Network interfaces (RTM_*LINK). */
  readonly links: Links;
  /** IPv4 and IPv6 addresses (RTM_*ADDR). */
  readonly addresses: Addresses;
  /** IPv4 and IPv6 routes, and route lookups (RTM_*ROUTE). */
  readonly routes: Routes;
  /** ARP / NDP neighbours, and the bridge FDB as `neighbours.fdb` (RTM_*NEIGH). */
  readonly neighbours: Neighbours;
  /** Routing policy rules (RTM_*RULE). */
  readonly rules: Rules;
  /** Nexthop objects and groups (RTM_*NEXTHOP). */
  readonly nexthops: Nexthops;
  /** Ids of other network namespaces as this one knows them (RTM_*NSID). */
  readonly nsids: Nsids;
  /** Traffic control: queueing disciplines (RTM_*QDISC, `tc qdisc`). */
  readonly qdiscs: Qdiscs;
  /** Traffic control: classes of classful qdiscs such as htb (RTM_*TCLASS, `tc class`). */
  readonly classes: Classes;
  /** Traffic control: filters and their actions (RTM_*TFILTER, `tc filter`). */
  readonly filters: Filters;
  /** The request engine, for requests the typed families do not cover. */
  readonly connection: Connection;

  readonly #session: Session;

  private constructor(session: Session) {
    this.#session = session;
    this.connection = session.connection;
    this.links = session.links;
    const { connection, links } = session;
    this.addresses = new Addresses(connection, links);
    this.routes = new Routes(connection, links);
    this.neighbours = new Neighbours(connection, links);
    this.rules = new Rules(connection);
    this.nexthops = new Nexthops(connection, links);
    this.nsids = new Nsids(connection);
    this.qdiscs = new Qdiscs(connection, links);
    this.classes = new Classes(connection, links);
    this.filters = new Filters(connection, links);
  }

  /**
   * Opens a handle on a new NETLINK_ROUTE socket, inside `options.netns` if given.
   * @throws {@link NamespaceNotFoundError} when the namespace does not exist.
   * @throws {@link SocketError} when the socket cannot be opened.
   * @throws {@link InvalidArgumentError} naming a bad or unknown option, before anything is opened.
   */
  static async open(options: RtnlOptions = {}): Promise<Rtnl> {
    // An async function: a bad argument rejects the promise like any other failure.
    return Rtnl.openSync(options);
  }

  /** The synchronous form of {@link Rtnl.open}. */
  static openSync(options: RtnlOptions = {}): Rtnl {
    return new Rtnl(Session.open(options));
  }

  /**
   * Aborted when the handle closes: every `monitor()` and `watch()` stream of the handle listens to
   * it and ends. Pass it to your own waits that should end with the handle.
   */
  get closeSignal(): AbortSignal {
    return this.#session.closeSignal;
  }

  /**
   * Opens another NETLINK_ROUTE socket in this handle's namespace (for event monitors and other
   * long-lived subscriptions). The caller owns and closes it.
   */
  openSocket(options: Omit<NetlinkSocketOptions, 'netnsFd'> = {}): NetlinkSocket {
    return this.#session.openSocket(options);
  }

  /**
   * Typed events from the kernel's multicast groups, as an async iterable: `for await (const ev
   * of rtnl.monitor(['link', 'address']))`. Stops on `break`, `signal` abort or `close()`.
   * See {@link monitor} for the groups, the event shape and the options.
   */
  monitor<G extends MonitorGroup>(groups: G | readonly G[], options?: MonitorOptions): EventStream<MonitorEvent<GroupFamilies[G]>> {
    return monitor(this, groups, options);
  }

  /**
   * The current objects of one or more families, then every change after them, with no change
   * missed or reported twice. See {@link watch}.
   */
  watch<F extends EventFamily>(families: F | readonly F[], options?: WatchOptions): EventStream<MonitorEvent<F>> {
    return watch(this, families, options);
  }

  /**
   * Makes many changes at once and returns one result per change, in order: each its value or the
   * error it failed with. A failing change does not stop or hide the others.
   *
   * Each change is a function that makes one request through this handle, such as
   * `() => rtnl.routes.add(spec)`. The engine packs the requests of concurrent changes into shared
   * writes (hundreds per system call) that the kernel handles message by message, so each change
   * gets the result it would get alone, at a fraction of the cost; no write holds more requests
   * than the socket's receive queue has room to answer, so ACKs never overflow it. The changes
   * are started in order and reach the kernel in that order when they take the same path (for
   * instance all route adds); a change that depends on another one should wait for it instead.
   *
   * @example
   * ```ts
   * const results = await rtnl.batch(prefixes.map((dst) => () => rtnl.routes.add({ dst, oif: 2 })));
   * const failed = results.filter((r) => !r.ok);
   * ```
   */
  async batch<T>(changes: Iterable<() => Promise<T>>, options: BatchOptions = {}): Promise<BatchResult<T>[]> {
    const window = options.window ?? 256;
    if (!Number.isSafeInteger(window) || window < 1) throw new InvalidArgumentError('window', `must be a positive integer, got ${window}`);
    const results: BatchResult<T>[] = [];
    const it = changes[Symbol.iterator]();
    let index = 0;
    let exhausted = false;
    // `window` workers, each taking the next change when its previous one has settled.
    const worker = async (): Promise<void> => {
      for (;;) {
        if (exhausted) return;
        const step = it.next();
        if (step.done) {
          exhausted = true;
          return;
        }
        const i = index++;
        try {
          results[i] = { ok: true, value: await step.value() };
        } catch (err) {
          results[i] = { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
        }
      }
    };
    const workers: Promise<void>[] = [];
    for (let k = 0; k < window && !exhausted; k++) workers.push(worker());
    await Promise.all(workers);
    return results;
  }

  /**
   * Closes the socket and ends every `monitor()`/`watch()` stream of the handle (their `for await`
   * loops return). Pending requests fail; the handle cannot be used again. Idempotent.
   */
  close(): void {
    this.#session.close();
  }
}
