// The neighbour and FDB entry models: one shape each for what list() and events return and what
// add(), replace() and delete() take.

import { InvalidArgumentError } from '../../netlink/errors.js';
import type { LinkRef } from '../link/links.js';
import { checkKeys, checkObject } from '../common/model.js';
import type { IpFamily, RouteProtocol } from '../route/routes.js';

/**
 * A neighbour state (NUD_*) by name, as `ip neigh ... nud STATE` takes it: `permanent`, `noarp`,
 * `reachable`, `stale`, `delay`, `probe`, `failed`, `incomplete`; `none` (0) for entries without
 * one (proxy entries).
 */
export type NeighbourStateName = 'incomplete' | 'reachable' | 'stale' | 'delay' | 'probe' | 'failed' | 'noarp' | 'permanent' | 'none';

/** A neighbour state: a {@link NeighbourStateName}, or the NUD_* bits as a number when they are not one state. */
export type NeighbourState = NeighbourStateName | number;

/**
 * A neighbour or FDB flag by the name `ip neigh` / `bridge fdb` use: `router` (NTF_ROUTER),
 * `extern_learn` (NTF_EXT_LEARNED), `offload` (NTF_OFFLOADED), `use` (NTF_USE), `self`
 * (NTF_SELF), `master` (NTF_MASTER), `sticky` (NTF_STICKY), and the extended flags `managed`
 * (NTF_EXT_MANAGED), `locked` (NTF_EXT_LOCKED), `extern_valid` (NTF_EXT_EXT_VALIDATED). A bit of
 * NDA_FLAGS_EXT without a name is its value (a number).
 */
export type NeighbourFlag = 'router' | 'extern_learn' | 'offload' | 'use' | 'self' | 'master' | 'sticky' | 'managed' | 'locked' | 'extern_valid';

/**
 * An ARP (IPv4) or NDP (IPv6) neighbour, or a proxy entry, as `ip neigh` shows it. What
 * {@link Neighbours.list} and the events return; add(), replace() and delete() take it back as it
 * is (see {@link NeighbourSpec}).
 */
export interface Neighbour {
  /** `inet` (ARP) or `inet6` (NDP). */
  family: IpFamily;
  /** The index of the link the neighbour is on. */
  link: number;
  /** The neighbour's IP address. */
  address: string;
  /** Its link-layer (MAC) address, when known. */
  lladdr?: string;
  /** Its state: `permanent`, `reachable`, `stale`, ... (`none` for a proxy entry). */
  state: NeighbourState;
  /** Its flags: `router`, `extern_learn`, `managed`, ... (a bit of NDA_FLAGS_EXT without a name as its value). */
  flags: (NeighbourFlag | number)[];
  /** A proxy entry (`ip neigh add proxy ADDR dev LINK`): this host answers ARP / NDP for the address on the link. */
  proxy?: boolean;
  /** Who installed the entry (NDA_PROTOCOL), when someone said. */
  protocol?: RouteProtocol;
}

/**
 * A neighbour to add, replace or delete, like `ip neigh add|replace|del`: the {@link Neighbour}
 * shape with what the kernel fills in optional and the link by index or name.
 */
export interface NeighbourSpec {
  /** `inet` or `inet6`; when given, it must be the family of {@link address}. */
  family?: IpFamily;
  /** The link the neighbour is on, by index or name. */
  link: LinkRef;
  /** The neighbour's IP address. */
  address: string;
  /** Its link-layer (MAC) address. */
  lladdr?: string;
  /** Its state (default `permanent`, as `ip neigh add`). */
  state?: NeighbourState;
  /** Flags such as `router`, `extern_learn`, `managed`, `use`. */
  flags?: readonly (NeighbourFlag | number)[];
  /** A proxy entry (`ip neigh add proxy ADDR dev LINK`). */
  proxy?: boolean;
  /** Who installs the entry (NDA_PROTOCOL). */
  protocol?: RouteProtocol;
}

/** A {@link NeighbourSpec} whose link is resolved to its index: what the mapping takes. */
export type ResolvedNeighbourSpec = Omit<NeighbourSpec, 'link'> & { link: number };

/**
 * The state of an FDB entry as `bridge fdb` writes it: `permanent` (a local address of the bridge,
 * NUD_PERMANENT), `static` (added, does not age, NUD_NOARP), `dynamic` (ages out, NUD_REACHABLE),
 * `stale` (aged, about to go, NUD_STALE); other NUD_* bits as a number.
 */
export type FdbState = 'permanent' | 'static' | 'dynamic' | 'stale' | number;

/**
 * A bridge forwarding database entry (a neighbour of family `bridge`), as `bridge fdb` shows it:
 * entries of a bridge (with {@link FdbEntry.master}), and entries of a device's own FDB (flag
 * `self`: a port's address lists, a vxlan device's remotes). What {@link Fdb.list} and the events
 * return; {@link Fdb.add}, {@link Fdb.replace} and {@link Fdb.delete} take it back as it is.
 */
export interface FdbEntry {
  /** Always `bridge` (AF_BRIDGE): tells FDB entries from neighbours in events. */
  family: 'bridge';
  /** The index of the port (or bridge, or vxlan device) the entry points to. */
  link: number;
  /** The MAC address. */
  lladdr: string;
  /**
   * The bridge whose FDB holds the entry (NDA_MASTER), for entries of a bridge. Read-only: the
   * kernel puts an entry in the bridge of its {@link link}; add() ignores it.
   */
  master?: number;
  /** `permanent`, `static`, `dynamic` or `stale`. */
  state: FdbState;
  /**
   * `self` (in the device's own FDB), `master` (in the bridge's), `extern_learn`, `sticky`,
   * `offload`, `locked`, ... Entries of a bridge are listed without `master`; given back without
   * `master` or `self`, they go to the bridge of their link, as the kernel does by default.
   */
  flags: (NeighbourFlag | number)[];
  /** The VLAN (NDA_VLAN), 1 to 4094. */
  vlan?: number;
  /** For a vxlan device: the remote endpoint (NDA_DST). */
  dst?: string;
  /** For a vxlan device: the remote UDP port (NDA_PORT). */
  dstPort?: number;
  /** For a vxlan device: the remote VNI (NDA_VNI). */
  vni?: number;
  /** For a vxlan device in collect-metadata mode: the source VNI (NDA_SRC_VNI). */
  srcVni?: number;
  /** For a vxlan device: the index of the link to reach the remote through (NDA_IFINDEX, `bridge fdb ... via DEV`). */
  via?: number;
  /** The nexthop group the entry forwards to (NDA_NH_ID). */
  nexthopId?: number;
}

/**
 * An FDB entry to add, replace or delete, like `bridge fdb add|replace|del`: the {@link FdbEntry}
 * shape with what the kernel fills in optional and links by index or name.
 */
export interface FdbEntrySpec {
  /** `bridge`, the only family of FDB entries (optional). */
  family?: 'bridge';
  /** The port (or bridge, or vxlan device) the entry points to, by index or name. */
  link: LinkRef;
  /** The MAC address. */
  lladdr: string;
  /** The bridge (read-only, ignored: an entry goes to the bridge of its {@link link}). */
  master?: LinkRef;
  /** Default `permanent`, as `bridge fdb add`. */
  state?: FdbState;
  /**
   * `master` (the bridge's FDB), `self` (the device's own FDB), `extern_learn`, `sticky`, ...
   * Without `master` and `self`: the bridge's FDB (sent as `master`; as `self` when
   * {@link master} is the link itself, a bridge's own entry), as the kernel lists a bridge's
   * entries. `bridge fdb add` instead defaults to `self`.
   */
  flags?: readonly (NeighbourFlag | number)[];
  /** The VLAN (NDA_VLAN), 1 to 4094. */
  vlan?: number;
  /** For a vxlan device: the remote endpoint (NDA_DST). */
  dst?: string;
  /** For a vxlan device: the remote UDP port (NDA_PORT). */
  dstPort?: number;
  /** For a vxlan device: the remote VNI (NDA_VNI). */
  vni?: number;
  /** For a vxlan device: the source VNI (NDA_SRC_VNI). */
  srcVni?: number;
  /** For a vxlan device: the link to reach the remote through (NDA_IFINDEX), by index or name. */
  via?: LinkRef;
  /** The nexthop group the entry forwards to (NDA_NH_ID). */
  nexthopId?: number;
}

/** An {@link FdbEntrySpec} whose links are resolved to their indexes: what the mapping takes. */
export type ResolvedFdbEntrySpec = Omit<FdbEntrySpec, 'link' | 'master' | 'via'> & { link: number; master?: number; via?: number };

const NEIGHBOUR_KEYS: ReadonlySet<string> = new Set<keyof NeighbourSpec>(['family', 'link', 'address', 'lladdr', 'state', 'flags', 'proxy', 'protocol']);

const FDB_KEYS: ReadonlySet<string> = new Set<keyof FdbEntrySpec>([
  'family',
  'link',
  'lladdr',
  'master',
  'state',
  'flags',
  'vlan',
  'dst',
  'dstPort',
  'vni',
  'srcVni',
  'via',
  'nexthopId',
]);

/**
 * Checks that `spec` is an object with no key a {@link NeighbourSpec} does not have, and a link.
 * @throws {@link InvalidArgumentError} naming the first unknown key.
 */
export function checkNeighbourKeys(spec: unknown): asserts spec is NeighbourSpec {
  checkObject(spec, 'neighbour', '{ link, address, ... }');
  checkKeys(spec, NEIGHBOUR_KEYS);
  if (spec.link === undefined) throw new InvalidArgumentError('link', 'a neighbour needs a link');
}

/**
 * Checks that `spec` is an object with no key an {@link FdbEntrySpec} does not have, and a link.
 * @throws {@link InvalidArgumentError} naming the first unknown key.
 */
export function checkFdbKeys(spec: unknown): asserts spec is FdbEntrySpec {
  checkObject(spec, 'entry', '{ link, lladdr, ... }');
  checkKeys(spec, FDB_KEYS);
  if (spec.link === undefined) throw new InvalidArgumentError('link', 'an FDB entry needs a link (the port)');
}

/** The identity of a neighbour: family, link, address, and whether it is a proxy entry. */
export function neighbourKey(n: Pick<Neighbour, 'family' | 'link' | 'address' | 'proxy'>): string {
  return `${n.family}|${n.link}|${n.address}|${n.proxy ? 'proxy' : ''}`;
}

/**
 * The identity of an FDB entry: link, MAC, VLAN, VNI, remote, and whether it is in the device's
 * own FDB (`self`) or a bridge's.
 */
export function fdbKey(e: Pick<FdbEntry, 'link' | 'lladdr' | 'vlan' | 'vni' | 'dst' | 'flags'>): string {
  return `bridge|${e.link}|${e.lladdr}|${e.vlan ?? ''}|${e.vni ?? ''}|${e.dst ?? ''}|${e.flags.includes('self') ? 'self' : ''}`;
}
