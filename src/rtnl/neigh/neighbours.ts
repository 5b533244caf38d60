// Neighbours (ARP / NDP entries) and the bridge forwarding database: RTM_NEWNEIGH / RTM_DELNEIGH /
// RTM_GETNEIGH, the latter with family AF_BRIDGE; taking and returning the models.

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/constants.js';
import { InvalidArgumentError } from '../../netlink/errors.js';
import { checkKeys, checkObject } from '../common/model.js';
import { changeObject, dumpObjects } from '../common/requests.js';
import { RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH, neighMessage } from '../generated/neigh.js';
import type { LinkRef, Links } from '../link/links.js';
import type { IpFamily } from '../route/routes.js';
import { fdbFromWire, fdbToWire, neighbourFromWire, neighbourToWire, type NeighbourMessage } from './mapping.js';
import { checkFdbKeys, checkNeighbourKeys, type FdbEntry, type FdbEntrySpec, type Neighbour, type NeighbourSpec } from './model.js';
import { FAMILY_MESSAGE_TYPES } from '../schemas/types.js';

export {
  fdbKey,
  neighbourKey,
  type FdbEntry,
  type FdbEntrySpec,
  type FdbState,
  type Neighbour,
  type NeighbourFlag,
  type NeighbourSpec,
  type NeighbourState,
  type NeighbourStateName,
} from './model.js';

/** Filters for {@link Neighbours.list}; the kernel applies them where it can. */
export interface NeighbourFilter {
  /** Only IPv4 (`inet`, ARP) or IPv6 (`inet6`, NDP) neighbours (default both). */
  family?: IpFamily;
  /** Only neighbours on this link. */
  link?: LinkRef;
  /** List the proxy entries instead of the neighbour cache (like `ip neigh show proxy`). */
  proxy?: boolean;
}

/** Filters for {@link Fdb.list}. */
export interface FdbFilter {
  /** Only entries of this bridge and its ports (NDA_MASTER). */
  bridge?: LinkRef;
  /** Only entries of this link (NDA_IFINDEX): a port, a bridge, a vxlan device. */
  link?: LinkRef;
}

const NEIGHBOUR_FILTER_KEYS: ReadonlySet<string> = new Set<keyof NeighbourFilter>(['family', 'link', 'proxy']);
const FDB_FILTER_KEYS: ReadonlySet<string> = new Set<keyof FdbFilter>(['bridge', 'link']);

/** The bridge forwarding database (AF_BRIDGE neighbours), like `bridge fdb`. */
export class Fdb {
  constructor(
    private readonly conn: Connection,
    private readonly links: Links,
  ) {}

  /**
   * Adds an FDB entry, like `bridge fdb add LLADDR dev LINK [master|self] [permanent|static|dynamic] [vlan N]`.
   * A listed {@link FdbEntry} can be given back as it is.
   * @throws {@link InvalidArgumentError} for an unknown key or a malformed value, before sending.
   * @throws {@link NetlinkError} `EEXIST` when the entry exists, `EINVAL` for a VLAN the bridge does not have.
   */
  async add(spec: FdbEntrySpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, neighMessage, await this.message(spec, RTM_NEWNEIGH), undefined, opts);
  }

  /** Adds an FDB entry or updates the existing one, like `bridge fdb replace`. */
  async replace(spec: FdbEntrySpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, neighMessage, await this.message(spec, RTM_NEWNEIGH), undefined, opts);
  }

  /**
   * Adds a further remote to a vxlan device's entry of a MAC address, like `bridge fdb append`
   * (the all-zeros MAC, the default destination, may have many remotes: add() refuses a second
   * one with EEXIST). Creates the entry when there is none.
   */
  async append(spec: FdbEntrySpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND, neighMessage, await this.message(spec, RTM_NEWNEIGH), undefined, opts);
  }

  /**
   * Deletes an FDB entry, like `bridge fdb del`; a listed {@link FdbEntry} deletes exactly that
   * entry (for a vxlan device: that remote). The state defaults to `permanent`, as there: a
   * device's own FDB (`self`, without a driver handler) only deletes permanent entries.
   * @throws {@link NetlinkError} `ENOENT` when there is no such entry.
   */
  async delete(spec: FdbEntrySpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_DELNEIGH, 0, neighMessage, await this.message(spec, RTM_DELNEIGH), undefined, opts);
  }

  /** Lists FDB entries, like `bridge fdb show [br BRIDGE] [dev LINK]`. */
  async list(filter: FdbFilter = {}, opts?: RequestOptions): Promise<FdbEntry[]> {
    checkObject(filter as unknown, 'filter', '{ bridge?, link? }');
    checkKeys(filter, FDB_FILTER_KEYS);
    const bridge = filter.bridge === undefined ? 0 : await this.links.resolve(filter.bridge, RTM_GETNEIGH);
    const link = filter.link === undefined ? 0 : await this.links.resolve(filter.link, RTM_GETNEIGH);
    const query: Partial<NeighbourMessage> = { family: 'bridge', ifindex: 0, state: [], flags: [], type: 0 };
    if (bridge !== 0) query.master = bridge;
    if (link !== 0) query.ndaIfindex = link;
    const res = await dumpObjects(this.conn, RTM_GETNEIGH, RTM_NEWNEIGH, neighMessage, query, opts, (w) => (w.family === 'bridge' ? fdbFromWire(w) : undefined));
    let items = res.items;
    if (!res.kernelFiltered) {
      if (link !== 0) items = items.filter((n) => n.link === link);
      if (bridge !== 0) {
        // The bridge's own entries and those of its ports, as the kernel's filter has it.
        const members = new Set([bridge, ...(await this.links.list({ master: bridge }, opts)).map((l) => l.index as number)]);
        items = items.filter((n) => members.has(n.link));
      }
    }
    return items;
  }

  // Every key and value is checked before a link's name is looked up: nothing is sent for a bad argument.
  private async message(spec: FdbEntrySpec, type: number): Promise<NeighbourMessage> {
    checkFdbKeys(spec);
    const { master: _readOnly, via, ...rest } = spec;
    const msg = fdbToWire({ ...rest, link: 0, ...(via !== undefined ? { via: 0 } : {}) });
    msg.ifindex = await this.links.resolve(spec.link, type);
    if (spec.via !== undefined) msg.ndaIfindex = await this.links.resolve(spec.via, type);
    // The kernel lists a bridge's entries without NTF_MASTER, and takes an entry without NTF_MASTER
    // or NTF_SELF as the bridge's only when ndm_flags is 0 (not with `sticky` or `extern_learn`),
    // and only for a port: say `master`, and `self` for an entry of the bridge device itself.
    if (!msg.flags.includes('master') && !msg.flags.includes('self')) {
      const own = spec.master !== undefined && (await this.links.resolve(spec.master, type)) === msg.ifindex;
      msg.flags = [...msg.flags, own ? 'self' : 'master'];
    }
    return msg;
  }
}

/** The neighbour tables (ARP and NDP) of one network namespace, and its bridge FDB as {@link Neighbours.fdb}. */
export class Neighbours {
  /** The bridge forwarding database. */
  readonly fdb: Fdb;

  constructor(
    private readonly conn: Connection,
    private readonly links: Links,
  ) {
    conn.nameAttributes(neighMessage, ...FAMILY_MESSAGE_TYPES.neigh);
    this.fdb = new Fdb(conn, links);
  }

  /**
   * Adds a neighbour entry (or a proxy entry), like `ip neigh add`. A listed {@link Neighbour} can
   * be given back as it is.
   * @throws {@link InvalidArgumentError} for an unknown key or a malformed value, before sending.
   * @throws {@link NetlinkError} `EEXIST` when the entry exists.
   */
  async add(spec: NeighbourSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, neighMessage, await this.message(spec, RTM_NEWNEIGH), undefined, opts);
  }

  /** Adds a neighbour entry or updates the existing one, like `ip neigh replace`. */
  async replace(spec: NeighbourSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, neighMessage, await this.message(spec, RTM_NEWNEIGH), undefined, opts);
  }

  /**
   * Deletes a neighbour entry (or a proxy entry, with `proxy: true`), like `ip neigh del`.
   * @throws {@link NetlinkError} `ENOENT` when there is no such entry.
   */
  async delete(spec: NeighbourSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_DELNEIGH, 0, neighMessage, await this.message(spec, RTM_DELNEIGH), undefined, opts);
  }

  /** Lists neighbours, like `ip neigh show nud all` (or the proxy entries, like `ip neigh show proxy`). */
  async list(filter: NeighbourFilter = {}, opts?: RequestOptions): Promise<Neighbour[]> {
    checkObject(filter as unknown, 'filter', '{ family?, link?, proxy? }');
    checkKeys(filter, NEIGHBOUR_FILTER_KEYS);
    if (filter.family !== undefined && filter.family !== 'inet' && filter.family !== 'inet6') {
      throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(filter.family)}`);
    }
    const index = filter.link === undefined ? 0 : await this.links.resolve(filter.link, RTM_GETNEIGH);
    const query: Partial<NeighbourMessage> = { family: filter.family ?? 'unspec', ifindex: 0, state: [], flags: filter.proxy ? ['proxy'] : [], type: 0 };
    if (index !== 0) query.ndaIfindex = index;
    const family = filter.family;
    const res = await dumpObjects(this.conn, RTM_GETNEIGH, RTM_NEWNEIGH, neighMessage, query, opts, (w) =>
      (family === undefined ? w.family === 'inet' || w.family === 'inet6' : w.family === family) ? neighbourFromWire(w) : undefined,
    );
    let items = res.items;
    if (!res.kernelFiltered && index !== 0) items = items.filter((n) => n.link === index);
    return items;
  }

  // Every key and value is checked before the link's name is looked up: nothing is sent for a bad argument.
  private async message(spec: NeighbourSpec, type: number): Promise<NeighbourMessage> {
    checkNeighbourKeys(spec);
    const msg = neighbourToWire({ ...spec, link: 0 });
    msg.ifindex = await this.links.resolve(spec.link, type);
    return msg;
  }
}
