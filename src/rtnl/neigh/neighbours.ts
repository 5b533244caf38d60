// Neighbours (ARP / NDP entries) and the bridge forwarding database: RTM_NEWNEIGH / RTM_DELNEIGH /
// RTM_GETNEIGH, the latter with family AF_BRIDGE.

import { parseMAC } from '../../netlink/addr.js';
import type { Connection, RequestOptions } from '../../netlink/connection.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/constants.js';
import { InvalidArgumentError } from '../../netlink/errors.js';
import type { SchemaValue } from '../../netlink/message.js';
import { changeObject, dumpObjects } from '../common/requests.js';
import { RtProtocol } from '../generated/common.js';
import { NudState, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH, neighMessage } from '../generated/neigh.js';
import type { LinkRef, Links } from '../link/links.js';
import { checkInteger, enumNumber, parseAddress } from '../common/checks.js';
import { type IpFamily, type RouteProtocol } from '../route/routes.js';

/**
 * A neighbour or FDB entry as the kernel describes it: the ndmsg header (`family`, `ifindex`,
 * `state`, `flags`, `type`) and the attributes (`dst`, `lladdr`, `cacheinfo`, `probes`, `vlan`,
 * `master`, `protocol`, ...). `state` and `flags` are lists of names (`permanent`, `router`, ...).
 */
export type Neighbour = SchemaValue<typeof neighMessage>;

/** A bridge forwarding database entry (a neighbour of family `bridge`). */
export type FdbEntry = Neighbour;

/** A neighbour state (NUD_*) by name. */
export type NeighbourState = keyof typeof NudState;

/**
 * A neighbour flag: `router` (NTF_ROUTER, an IPv6 router), `extern_learn` (NTF_EXT_LEARNED, learned
 * by something outside the kernel; `ext-learned` is the same), `use` (NTF_USE), `proxy` (the same
 * as `proxy: true`).
 */
export type NeighbourFlag = 'router' | 'extern_learn' | 'ext-learned' | 'use' | 'proxy';

/** What {@link Neighbours.add} creates, like `ip neigh add`. */
export interface NeighbourSpec {
  /** The link the neighbour is on. */
  link: LinkRef;
  /** The neighbour's IP address. */
  address: string;
  /** Its link-layer (MAC) address. */
  lladdr?: string;
  /** Its state (default `permanent`, as `ip neigh add`). */
  state?: NeighbourState;
  /** Flags such as `router` and `extern_learn`. */
  flags?: NeighbourFlag[];
  /** A proxy entry (`ip neigh add proxy ADDR dev LINK`): answer ARP / NDP for this address on the link. */
  proxy?: boolean;
  /** Who installs the entry (NDA_PROTOCOL). */
  protocol?: RouteProtocol;
}

/** Filters for {@link Neighbours.list}; the kernel applies them where it can. */
export interface NeighbourFilter {
  /** Only IPv4 (`inet`, ARP) or IPv6 (`inet6`, NDP) neighbours (default both). */
  family?: IpFamily;
  /** Only neighbours on this link. */
  link?: LinkRef;
  /** List the proxy entries instead of the neighbour cache (like `ip neigh show proxy`). */
  proxy?: boolean;
}

/**
 * The state of an FDB entry: `permanent` (a local address, NUD_PERMANENT), `static` (a static
 * entry that does not age, NUD_NOARP|NUD_REACHABLE), `dynamic` (one that ages out, NUD_REACHABLE).
 */
export type FdbState = 'permanent' | 'static' | 'dynamic';

/** What {@link Fdb.add} creates, like `bridge fdb add`. */
export interface FdbEntrySpec {
  /** The port (or bridge, or vxlan device) the entry points to. */
  port: LinkRef;
  /** The MAC address. */
  lladdr: string;
  /** The VLAN (NDA_VLAN), 1 to 4094. */
  vlan?: number;
  /** In the FDB of the bridge the port belongs to (NTF_MASTER). */
  master?: boolean;
  /** In the port device's own FDB (NTF_SELF); the default when neither `master` nor `self` is given. */
  self?: boolean;
  /** Default `permanent`, as `bridge fdb add`. */
  state?: FdbState;
  /** Learned by something outside the kernel (NTF_EXT_LEARNED). */
  externLearn?: boolean;
  /** Never moves to another port (NTF_STICKY). */
  sticky?: boolean;
  /** For a vxlan device: the remote endpoint (NDA_DST). */
  dst?: string;
}

/** Filters for {@link Fdb.list}. */
export interface FdbFilter {
  /** Only entries of this bridge and its ports (NDA_MASTER). */
  bridge?: LinkRef;
  /** Only entries of this port (NDA_IFINDEX). */
  port?: LinkRef;
}

const NUD_NOARP = NudState.noarp;
const NUD_PERMANENT = NudState.permanent;
const NUD_REACHABLE = NudState.reachable;

const FLAG_NAMES: Record<NeighbourFlag, string> = { router: 'router', extern_learn: 'ext-learned', 'ext-learned': 'ext-learned', use: 'use', proxy: 'proxy' };

function checkMac(text: string | undefined, field: string, length?: number): void {
  if (text === undefined) return;
  const b = typeof text === 'string' ? parseMAC(text) : undefined;
  if (b === undefined || (length !== undefined && b.length !== length)) {
    throw new InvalidArgumentError(field, `${JSON.stringify(text)} is not a ${length !== undefined ? `${length}-byte ` : ''}link-layer address like 02:00:00:00:00:01`);
  }
}

/** The bridge forwarding database (AF_BRIDGE neighbours), like `bridge fdb`. */
export class Fdb {
  constructor(
    private readonly conn: Connection,
    private readonly links: Links,
  ) {}

  /**
   * Adds an FDB entry, like `bridge fdb add LLADDR dev PORT [master|self] [permanent|static|dynamic] [vlan N]`.
   * @throws {@link NetlinkError} `EEXIST` when the entry exists, `EINVAL` for a VLAN the bridge does not have.
   */
  async add(spec: FdbEntrySpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, neighMessage, await this.message(spec), undefined, opts);
  }

  /** Adds an FDB entry or updates the existing one, like `bridge fdb replace`. */
  async replace(spec: FdbEntrySpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, neighMessage, await this.message(spec), undefined, opts);
  }

  /**
   * Deletes an FDB entry, like `bridge fdb del`. As there, the state defaults to `permanent`: a
   * device's own FDB (`self`, without a driver handler) only deletes permanent entries.
   * @throws {@link NetlinkError} `ENOENT` when there is no such entry.
   */
  async delete(spec: Pick<FdbEntrySpec, 'port' | 'lladdr' | 'vlan' | 'master' | 'self' | 'state'>, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_DELNEIGH, 0, neighMessage, await this.message(spec), undefined, opts);
  }

  /** Lists FDB entries, like `bridge fdb show [br BRIDGE] [dev PORT]`. */
  async list(filter: FdbFilter = {}, opts?: RequestOptions): Promise<FdbEntry[]> {
    const bridge = filter.bridge === undefined ? 0 : await this.links.indexOf(filter.bridge);
    const port = filter.port === undefined ? 0 : await this.links.indexOf(filter.port);
    const query = { family: 'bridge', ifindex: 0, state: [], flags: [], type: 0 } as Partial<Neighbour>;
    if (bridge !== 0) query.master = bridge;
    if (port !== 0) query.ndaIfindex = port;
    const res = await dumpObjects(this.conn, RTM_GETNEIGH, RTM_NEWNEIGH, neighMessage, query, opts);
    let items = res.items.filter((n) => n.family === 'bridge');
    if (!res.kernelFiltered) {
      if (port !== 0) items = items.filter((n) => n.ifindex === port);
      if (bridge !== 0) {
        // The bridge's own entries and those of its ports, as the kernel's filter has it.
        const members = new Set([bridge, ...(await this.links.list({ master: bridge }, opts)).map((l) => l.index as number)]);
        items = items.filter((n) => members.has(n.ifindex as number));
      }
    }
    return items;
  }

  private async message(spec: FdbEntrySpec): Promise<Partial<Neighbour>> {
    if (spec === null || typeof spec !== 'object') throw new InvalidArgumentError('port', 'expected { port, lladdr, ... }');
    if (spec.lladdr === undefined) throw new InvalidArgumentError('lladdr', 'an FDB entry needs a MAC address');
    checkMac(spec.lladdr, 'lladdr', 6);
    checkInteger('vlan', spec.vlan, 1, 4094);
    // The states as `bridge fdb` sends them (also when deleting).
    let state: number;
    const s = spec.state ?? 'permanent';
    if (s === 'permanent') state = NUD_NOARP | NUD_PERMANENT;
    else if (s === 'static') state = NUD_NOARP | NUD_REACHABLE;
    else if (s === 'dynamic') state = NUD_REACHABLE;
    else throw new InvalidArgumentError('state', `expected permanent, static or dynamic, got ${JSON.stringify(s)}`);
    const flags: string[] = [];
    if (spec.master) flags.push('master');
    if (spec.self || !spec.master) flags.push('self');
    if (spec.externLearn) flags.push('ext-learned');
    if (spec.sticky) flags.push('sticky');
    const msg = { family: 'bridge', ifindex: await this.links.indexOf(spec.port), state: [state], flags, type: 0, lladdr: spec.lladdr } as Partial<Neighbour>;
    if (spec.vlan !== undefined) msg.vlan = spec.vlan;
    if (spec.dst !== undefined) msg.dst = parseAddress(spec.dst, 'dst').address;
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
    this.fdb = new Fdb(conn, links);
  }

  /**
   * Adds a neighbour entry (or a proxy entry), like `ip neigh add`.
   * @throws {@link InvalidArgumentError} for a malformed address, state or flag, before sending.
   * @throws {@link NetlinkError} `EEXIST` when the entry exists.
   */
  async add(spec: NeighbourSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, neighMessage, await this.message(spec), undefined, opts);
  }

  /** Adds a neighbour entry or updates the existing one, like `ip neigh replace`. */
  async replace(spec: NeighbourSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, neighMessage, await this.message(spec), undefined, opts);
  }

  /**
   * Deletes a neighbour entry (or a proxy entry, with `proxy: true`), like `ip neigh del`.
   * @throws {@link NetlinkError} `ENOENT` when there is no such entry.
   */
  async delete(spec: Pick<NeighbourSpec, 'link' | 'address' | 'proxy'>, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_DELNEIGH, 0, neighMessage, await this.message(spec), undefined, opts);
  }

  /** Lists neighbours, like `ip neigh show nud all` (or the proxy entries, like `ip neigh show proxy`). */
  async list(filter: NeighbourFilter = {}, opts?: RequestOptions): Promise<Neighbour[]> {
    if (filter.family !== undefined && filter.family !== 'inet' && filter.family !== 'inet6') {
      throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(filter.family)}`);
    }
    const index = filter.link === undefined ? 0 : await this.links.indexOf(filter.link);
    const query = { family: filter.family ?? 'unspec', ifindex: 0, state: [], flags: filter.proxy ? ['proxy'] : [], type: 0 } as Partial<Neighbour>;
    if (index !== 0) query.ndaIfindex = index;
    const res = await dumpObjects(this.conn, RTM_GETNEIGH, RTM_NEWNEIGH, neighMessage, query, opts);
    let items = res.items.filter((n) => (filter.family === undefined ? n.family === 'inet' || n.family === 'inet6' : n.family === filter.family));
    if (!res.kernelFiltered && index !== 0) items = items.filter((n) => n.ifindex === index);
    return items;
  }

  private async message(spec: NeighbourSpec): Promise<Partial<Neighbour>> {
    if (spec === null || typeof spec !== 'object') throw new InvalidArgumentError('address', 'expected { link, address, ... }');
    const dst = parseAddress(spec.address, 'address');
    const flags = new Set<string>();
    for (const [i, f] of (spec.flags ?? []).entries()) {
      if (!Object.hasOwn(FLAG_NAMES, f)) throw new InvalidArgumentError(`flags.${i}`, `unknown neighbour flag ${JSON.stringify(f)}; expected one of ${Object.keys(FLAG_NAMES).join(', ')}`);
      flags.add(FLAG_NAMES[f]);
    }
    if (spec.proxy) flags.add('proxy');
    // As ip neigh, also when deleting (the kernel ignores it there).
    const s = spec.state ?? 'permanent';
    if (!Object.hasOwn(NudState, s)) throw new InvalidArgumentError('state', `unknown neighbour state ${JSON.stringify(s)}; expected one of ${Object.keys(NudState).join(', ')}`);
    const state = NudState[s];
    checkMac(spec.lladdr, 'lladdr');
    const protocol = spec.protocol === undefined ? undefined : enumNumber('protocol', spec.protocol, RtProtocol);
    const msg = { family: dst.family, ifindex: await this.links.indexOf(spec.link), state: [state], flags: [...flags], type: 0, dst: dst.address } as Partial<Neighbour>;
    if (spec.lladdr !== undefined) msg.lladdr = spec.lladdr;
    if (protocol !== undefined) msg.protocol = protocol;
    return msg;
  }
}
