// The link model: one shape used both ways. What `links.list()`, `get()` and link events return
// (`Link`) is accepted by `links.add()` (`LinkSpec`), `links.set()` (`LinkChanges`, and as the
// link to change) and `links.delete()`, and means the same thing there. Facts the kernel keeps
// (counters, operstate, the index on add, ...) are accepted and ignored: see LINK_READ_ONLY.
// The mapping to and from the wire message is in mapping.ts.

import type { NetnsRef } from '../../ns/ref.js';
import type { SetValue, ValueOf } from '../../netlink/schema/index.js';
import type {
  IfinfoFlags,
  LinkMode,
  LinkType,
  OperState,
  linkAfSpecMsg,
  linkProtinfoMsg,
  protoDownReasonAttrs,
  rtnlLinkStats64,
  xdpAttrs,
} from '../generated/link.js';
import type { AddressFamily } from '../generated/common.js';
import type { LinkKind, LinkKindData, LinkKindWithoutData, LinkPortData, LinkPortKind } from './kinds.js';

/** An interface flag (IFF_*) by the name the library gives it: `up`, `broadcast`, `lower-up`, ... */
export type LinkFlag = keyof typeof IfinfoFlags;

/** A link-layer type (ARPHRD_*), by name (`ether`, `loopback`, ...), or its number when unknown. */
export type LinkLayerType = keyof typeof LinkType | number;

/** An RFC 2863 operational state (IF_OPER_*): `up`, `down`, `unknown`, `lowerlayerdown`, ... */
export type LinkOperState = keyof typeof OperState | number;

/** A link mode (IF_LINK_MODE_*): `default`, `dormant`, `testing`. */
export type LinkModeName = keyof typeof LinkMode | number;

/** The address family of a family-specific link message (AF_*), by name, or its number when unknown. */
export type LinkMessageFamily = keyof typeof AddressFamily | number;

/** The kind data of a link (IFLA_INFO_DATA): typed by kind; raw bytes for a kind this library does not know. */
export type LinkData = LinkKindData[Exclude<LinkKind, LinkKindWithoutData>] | Uint8Array;

/** The port data of a link (IFLA_INFO_SLAVE_DATA): typed by its master's kind; raw bytes when unknown. */
export type LinkPortDataValue = LinkPortData[LinkPortKind] | Uint8Array;

/**
 * 64-bit interface counters (struct rtnl_link_stats64), exact as `bigint`. `JSON.stringify`
 * prints them as decimal strings (the object carries a non-enumerable `toJSON`): read them back
 * with `BigInt(text)`.
 */
export type LinkStats = ValueOf<typeof rtnlLinkStats64>;

/** Per-family device settings (IFLA_AF_SPEC): IPv4 and IPv6 configuration, IPv6 address generation mode, ... */
export type LinkAfSpec = ValueOf<typeof linkAfSpecMsg>;

/** The port settings a bridge-family link message carries (IFLA_PROTINFO). */
export type LinkProtinfo = ValueOf<typeof linkProtinfoMsg>;

/** XDP programs attached to a link (IFLA_XDP). */
export type LinkXdp = SetValue<typeof xdpAttrs>;

/** Why a link is held protocol-down (IFLA_PROTO_DOWN_REASON). */
export type LinkProtoDownReason = SetValue<typeof protoDownReasonAttrs>;

/**
 * A link's role as the port of a master (a bridge, bond or vrf): the master's kind
 * (IFLA_INFO_SLAVE_KIND) and the port settings (IFLA_INFO_SLAVE_DATA), typed by that kind.
 * Narrow `data` with `isPortKind`.
 */
export interface LinkPort {
  /** The master's kind: `bridge`, `bond`, `vrf`, ... */
  kind: string;
  /** The port settings (bridge: `cost`, `priority`, `learning`, ...), in the units `add()` takes. */
  data?: LinkPortDataValue;
}

/**
 * A network interface, as `links.list()`, `links.get()` and link events give it, and as
 * `links.add()` and `links.set()` take it.
 *
 * References to other links are indexes here (`master`, `link`); `add()` and `set()` also take
 * names. Fields marked read-only are facts the kernel keeps: `add()` and `set()` accept them (so
 * that a listed link can be given back) and ignore them.
 *
 * `JSON.stringify(link)` works: 64-bit values (counters, bridge timers) print as decimal strings
 * (the objects holding them carry a non-enumerable `toJSON`; see {@link LinkStats}), and `add()`
 * takes such strings back for 64-bit kind data. `stats` and `afSpec` are decoded on first
 * access; reading them looks the same. A listed link has every key of this interface, a fact the
 * kernel did not report being `undefined` (one object shape for all links keeps listing fast).
 */
export interface Link {
  /** The interface index (ifi_index). Read-only: `add()` lets the kernel choose. */
  index: number;
  /** The interface name (IFLA_IFNAME), at most 15 bytes. */
  name: string;
  /** The kind (IFLA_INFO_KIND): `veth`, `bridge`, `vxlan`, `macvlan`, ...; absent for `lo` and hardware. */
  kind?: string;
  /**
   * The kind's settings (IFLA_INFO_DATA), typed by `kind` (narrow with {@link isKind}), in the
   * units `add()` takes (bridge times in 1/100 s, as `ip -j -d` prints them). A veth has none:
   * its peer is `link`.
   */
  data?: LinkData;
  /** When the link is the port of a master (bridge, bond, vrf): the master's kind and the port settings. */
  port?: LinkPort;
  /**
   * Interface flags (ifi_flags) by name: `up`, `broadcast`, `multicast`, `running`, `lower-up`,
   * ...; an unknown bit as its number. `add()` and `set()` apply the ones a user sets (`up`,
   * `promisc`, `all-multi`, `no-arp`, `multicast`, `dynamic`, `debug`, `no-trailers`, `portsel`,
   * `auto-media`) and ignore the others (`running`, `lower-up`, ...).
   */
  flags: (LinkFlag | number)[];
  /** Maximum transmission unit in bytes (IFLA_MTU). */
  mtu?: number;
  /** Link-layer address, `'aa:bb:cc:dd:ee:ff'` (IFLA_ADDRESS). */
  address?: string;
  /** Link-layer broadcast address (IFLA_BROADCAST). */
  broadcast?: string;
  /** The permanent (hardware) address (IFLA_PERM_ADDRESS). Read-only. */
  permAddress?: string;
  /** Transmit queue length in packets (IFLA_TXQLEN). */
  txqlen?: number;
  /** The alias (IFLA_IFALIAS), as `ip link set ... alias` sets it. */
  alias?: string;
  /** The interface group (IFLA_GROUP); 0 is `default`. */
  group?: number;
  /** The index of the master (bridge, bond, vrf) this link is a port of (IFLA_MASTER). */
  master?: number;
  /**
   * The index of the lower link (IFLA_LINK): a macvlan's parent, a veth's peer (0 while the
   * peer is being created). In another namespace when `linkNetnsid` is set. A veth's `link` is
   * read-only: its peer comes and goes with it (give `peer` to `add()`).
   */
  link?: number;
  /** The nsid of the namespace `link` is in, when not this one (IFLA_LINK_NETNSID). Read-only. */
  linkNetnsid?: number;
  /** The link-layer type (ifi_type, ARPHRD_*): `ether`, `loopback`, `none`, ... Read-only. */
  linkType: LinkLayerType;
  /** The operational state (IFLA_OPERSTATE): `up`, `down`, `unknown`, `lowerlayerdown`, ... Read-only. */
  operstate?: LinkOperState;
  /** The link mode (IFLA_LINKMODE): `default` or `dormant`. */
  linkmode?: LinkModeName;
  /** The queueing discipline's kind (IFLA_QDISC): `noqueue`, `pfifo_fast`, ... Read-only. */
  qdisc?: string;
  /** Whether the link has a carrier (IFLA_CARRIER). Read-only. */
  carrier?: boolean;
  /** How many times the carrier came or went (IFLA_CARRIER_CHANGES). Read-only. */
  carrierChanges?: number;
  /** How many times the carrier came up (IFLA_CARRIER_UP_COUNT). Read-only. */
  carrierUpCount?: number;
  /** How many times the carrier went down (IFLA_CARRIER_DOWN_COUNT). Read-only. */
  carrierDownCount?: number;
  /** How many users asked for promiscuous mode (IFLA_PROMISCUITY); see flag `promisc` for the user's own setting. Read-only. */
  promiscuity?: number;
  /** How many users asked for all-multicast mode (IFLA_ALLMULTI). Read-only. */
  allmulti?: number;
  /** The smallest MTU the device takes (IFLA_MIN_MTU). Read-only. */
  minMtu?: number;
  /** The largest MTU the device takes (IFLA_MAX_MTU); 0 when unbounded. Read-only. */
  maxMtu?: number;
  /** Number of transmit queues (IFLA_NUM_TX_QUEUES). Set at creation only; `set()` ignores it. */
  numTxQueues?: number;
  /** Number of receive queues (IFLA_NUM_RX_QUEUES). Set at creation only; `set()` ignores it. */
  numRxQueues?: number;
  /** Largest GSO packet the stack builds for this link, in bytes (IFLA_GSO_MAX_SIZE). */
  gsoMaxSize?: number;
  /** Largest number of segments of a GSO packet (IFLA_GSO_MAX_SEGS). */
  gsoMaxSegs?: number;
  /** Largest GRO packet, in bytes (IFLA_GRO_MAX_SIZE). */
  groMaxSize?: number;
  /** Largest IPv4 GSO packet, in bytes (IFLA_GSO_IPV4_MAX_SIZE). */
  gsoIpv4MaxSize?: number;
  /** Largest IPv4 GRO packet, in bytes (IFLA_GRO_IPV4_MAX_SIZE). */
  groIpv4MaxSize?: number;
  /** Largest TSO packet the device takes, in bytes (IFLA_TSO_MAX_SIZE). Read-only. */
  tsoMaxSize?: number;
  /** Largest number of TSO segments the device takes (IFLA_TSO_MAX_SEGS). Read-only. */
  tsoMaxSegs?: number;
  /** Alternative names (IFLA_PROP_LIST / IFLA_ALT_IFNAME), as `ip link property add ... altname` adds them. */
  altNames?: string[];
  /** Whether the link is held down by a protocol (IFLA_PROTO_DOWN). Read-only. */
  protoDown?: boolean;
  /** Why it is held protocol-down (IFLA_PROTO_DOWN_REASON). Read-only. */
  protoDownReason?: LinkProtoDownReason;
  /** Whether the link cannot be moved to another namespace (IFLA_NETNS_IMMUTABLE): `lo`, bridges. Read-only. */
  netnsImmutable?: boolean;
  /** Bytes the device reserves before a packet (IFLA_HEADROOM). Read-only. */
  headroom?: number;
  /** Bytes the device reserves after a packet (IFLA_TAILROOM). Read-only. */
  tailroom?: number;
  /** The pacing offload horizon the device supports, in ns (IFLA_MAX_PACING_OFFLOAD_HORIZON). Read-only. */
  maxPacingOffloadHorizon?: number | bigint;
  /** The name of the parent device, such as a PCI address (IFLA_PARENT_DEV_NAME). Read-only. */
  parentDevName?: string;
  /** The bus of the parent device, such as `pci` (IFLA_PARENT_DEV_BUS_NAME). Read-only. */
  parentDevBusName?: string;
  /** The physical port id (IFLA_PHYS_PORT_ID). Read-only. */
  physPortId?: Uint8Array;
  /** The physical port name (IFLA_PHYS_PORT_NAME). Read-only. */
  physPortName?: string;
  /** The id of the switch the port belongs to (IFLA_PHYS_SWITCH_ID). Read-only. */
  physSwitchId?: Uint8Array;
  /** Number of SR-IOV virtual functions (IFLA_NUM_VF). Read-only. */
  numVf?: number;
  /** XDP programs attached (IFLA_XDP). Read-only. */
  xdp?: LinkXdp;
  /** 64-bit counters (IFLA_STATS64, else IFLA_STATS), exact as `bigint`; decoded on first access. Read-only. */
  stats?: LinkStats;
  /** Per-family settings (IFLA_AF_SPEC): IPv4/IPv6 configuration, IPv6 `addrGenMode`, ...; decoded on first access. Read-only. */
  afSpec?: LinkAfSpec;
  /** Port settings of a bridge-family message (IFLA_PROTINFO), in events about bridge ports. Read-only. */
  protinfo?: LinkProtinfo;
  /**
   * Only on the family-specific view of a link that some messages carry (`'bridge'`: the bridge
   * settings of a bridge port, which link events also report): such an object is not a link of
   * its own. Absent on links. Read-only.
   */
  family?: LinkMessageFamily;
}

/** Names a link: its index, its name, or an object with either (a listed {@link Link} does). */
export type LinkRef =
  | number
  | string
  | {
      /** The interface index. */
      index: number;
    }
  | {
      /** The interface name. */
      name: string;
    };

/**
 * The {@link Link} fields that are facts the kernel keeps. `add()` and `set()` accept them, so that
 * a listed link can be given back as it is, and ignore them.
 */
export const LINK_READ_ONLY = [
  'index',
  'linkNetnsid',
  'linkType',
  'operstate',
  'qdisc',
  'carrier',
  'carrierChanges',
  'carrierUpCount',
  'carrierDownCount',
  'promiscuity',
  'allmulti',
  'minMtu',
  'maxMtu',
  'permAddress',
  'tsoMaxSize',
  'tsoMaxSegs',
  'protoDown',
  'protoDownReason',
  'netnsImmutable',
  'headroom',
  'tailroom',
  'maxPacingOffloadHorizon',
  'parentDevName',
  'parentDevBusName',
  'physPortId',
  'physPortName',
  'physSwitchId',
  'numVf',
  'xdp',
  'stats',
  'afSpec',
  'protinfo',
  'family',
] as const satisfies readonly (keyof Link)[];

/** A read-only field of {@link Link}: accepted by `add()`/`set()`, ignored. */
export type LinkReadOnlyField = (typeof LINK_READ_ONLY)[number];

/** The flags a user sets (`ip link set ... up|promisc on|arp off|multicast off|dynamic on|allmulticast on`). */
export const LINK_SETTABLE_FLAGS = ['up', 'promisc', 'all-multi', 'no-arp', 'multicast', 'dynamic', 'debug', 'no-trailers', 'portsel', 'auto-media'] as const satisfies readonly LinkFlag[];

/** The settings of a link that `add()` and `set()` apply, with link references as index or name. */
export interface LinkSettings {
  /**
   * The flags, as a listed link has them: the user-settable ones (see {@link Link.flags}) are
   * made exactly so (a settable flag not in the list is cleared), the others are ignored.
   * To change one flag only, use `up` or `promisc`.
   */
  flags?: readonly (LinkFlag | number)[];
  /** Administratively up (`true`) or down (`false`), like `ip link set ... up|down`; overrides `up` in `flags`. */
  up?: boolean;
  /** Promiscuous mode on or off; overrides `promisc` in `flags`. */
  promisc?: boolean;
  /** Maximum transmission unit in bytes. */
  mtu?: number;
  /** Link-layer (MAC) address, `'aa:bb:cc:dd:ee:ff'`. */
  address?: string;
  /** Link-layer broadcast address. */
  broadcast?: string;
  /** Transmit queue length. */
  txqlen?: number;
  /** Interface group number. */
  group?: number;
  /** The alias; an empty string removes it. */
  alias?: string;
  /** Enslave to this master (a bridge, bond, vrf); `null` releases it (`nomaster`). */
  master?: LinkRef | null;
  /** The link mode: `default` or `dormant`. */
  linkmode?: LinkModeName;
  /** Largest GSO packet in bytes. */
  gsoMaxSize?: number;
  /** Largest number of GSO segments. */
  gsoMaxSegs?: number;
  /** Largest GRO packet in bytes. */
  groMaxSize?: number;
  /** Largest IPv4 GSO packet in bytes. */
  gsoIpv4MaxSize?: number;
  /** Largest IPv4 GRO packet in bytes. */
  groIpv4MaxSize?: number;
  /**
   * Port settings, for a link with a `master`: the master's kind and the settings to apply
   * (like `ip link set dev X type bridge_slave cost 5`). Read-only port facts (a bridge port's
   * `state`, ids and timers) are ignored.
   */
  port?: LinkPort;
  /** Move the link (or create it) in this network namespace: name, path, `{ pid }` or `{ fd }`. */
  netns?: NetnsRef;
}

/** Accepted and ignored by `add()` and `set()`: the read-only facts of a listed {@link Link}. */
export type LinkReadOnlyFacts = Partial<Pick<Link, LinkReadOnlyField>>;

/**
 * The peer of a veth pair: its name and the settings the kernel applies to it when it is created.
 * A listed {@link Link} of the old peer is accepted as it is (its read-only facts, `kind: 'veth'`
 * and `link` ignored): `links.add({ ...veth, peer: oldPeer })` re-creates a listed pair.
 */
export interface VethPeer extends LinkSettings, LinkReadOnlyFacts {
  /** The peer's name (the kernel picks `vethN` when absent). */
  name?: string;
  /** The peer's kind, when a listed peer is given: `veth` (anything else is refused). */
  kind?: string;
  /** The lower link of a listed peer (the first end's old index): ignored. */
  link?: LinkRef;
  /** Create the peer directly in this network namespace. */
  netns?: NetnsRef;
  /** Number of transmit queues. */
  numTxQueues?: number;
  /** Number of receive queues. */
  numRxQueues?: number;
  /** Alternative names to add once the peer exists. */
  altNames?: readonly string[];
}

/** What every {@link LinkSpec} has, whatever its kind. */
export interface LinkSpecBase extends LinkSettings, LinkReadOnlyFacts {
  /** The new link's name (at most 15 bytes). */
  name: string;
  /**
   * For veth: the peer (`{ name }`, or its listed {@link Link}). A listed veth carries no peer
   * (only `link`, the peer's old index): without `peer` the kernel names the new peer `vethN`.
   */
  peer?: VethPeer;
  /**
   * The lower link (IFLA_LINK), such as the parent of a macvlan. For a vxlan, its device
   * (`data.link`). Ignored for a veth (a listed veth's `link` is its old peer).
   */
  link?: LinkRef;
  /** Number of transmit queues (creation only). */
  numTxQueues?: number;
  /** Number of receive queues (creation only). */
  numRxQueues?: number;
  /** Alternative names, added once the link exists (like `ip link property add ... altname`). */
  altNames?: readonly string[];
}

/** A {@link LinkSpec} of one known kind: `data` typed by `kind`. */
export type LinkSpecOf<K extends LinkKind> = LinkSpecBase & {
  /** The kind: `veth`, `bridge`, `vxlan`, `macvlan`, `macvtap`, `ifb`, `vlan`, `dummy`, ... */
  kind: K;
  /** Kind-specific settings (IFLA_INFO_DATA), typed by `kind`. */
  data?: LinkKindData[K];
};

/**
 * A listed {@link Link} (or a copy of one, changed) given to {@link Links.add}: it has the
 * `index`, `flags` and `linkType` every listed link has; its `kind` is a plain string and its
 * `data` is not typed by kind. The kind is still required at run time.
 */
export type ListedLinkSpec = LinkSpecBase &
  Pick<Link, 'index' | 'flags' | 'linkType'> & {
    /** The kind, as a listed link has it. */
    kind?: string;
    /** Kind-specific settings, as a listed link has them. */
    data?: LinkData;
  };

/**
 * What {@link Links.add} creates: a name, a kind with its typed data (IFLA_INFO_DATA), and
 * settings. `data` is typed by `kind`: `{ kind: 'vxlan', data: { id: 42, port: 4789 } }`.
 * A listed {@link Link} is a LinkSpec too ({@link ListedLinkSpec}).
 */
export type LinkSpec = { [K in LinkKind]: LinkSpecOf<K> }[LinkKind] | ListedLinkSpec;

/**
 * Changes {@link Links.set} applies to an existing link: the settings given, nothing else. A
 * listed {@link Link} is accepted (its read-only facts, `numTxQueues`/`numRxQueues` and
 * `altNames` ignored), but the kernel refuses to change some kind data after creation.
 */
export interface LinkChanges extends LinkSettings, LinkReadOnlyFacts {
  /** A new name. */
  name?: string;
  /** The link's kind: needed with `data` (to encode it); otherwise ignored. */
  kind?: string;
  /** Kind-specific settings to change (IFLA_INFO_DATA); needs `kind`. */
  data?: LinkData;
  /** The lower link of a listed link: ignored (it cannot change). */
  link?: LinkRef;
  /** Creation only: ignored. */
  numTxQueues?: number;
  /** Creation only: ignored. */
  numRxQueues?: number;
  /** Ignored: use `addAltNames` / `deleteAltNames`. */
  altNames?: readonly string[];
}

/** Filters for {@link Links.list}; the kernel applies them where it can. */
export interface LinkFilter {
  /** Only links of this kind (`veth`, `bridge`, ...). */
  kind?: string;
  /** Only ports of this master (index or name). */
  master?: number | string;
}

/**
 * The identity of a link in its namespace: its index, as text. Two objects with the same key
 * describe the same link (before and after a change); use it to diff listings or events.
 */
export function linkKey(link: Pick<Link, 'index'>): string {
  return String(link.index);
}

/**
 * Whether a link (or any object with `kind` and `data`) is of kind `kind`; narrows `data` to that
 * kind's type.
 *
 * @example
 * ```ts
 * for (const link of await rtnl.links.list()) {
 *   if (isKind(link, 'vxlan')) console.log(link.name, link.data?.id);
 * }
 * ```
 */
export function isKind<
  T extends {
    /** The link's kind. */
    kind?: string;
  },
  K extends LinkKind,
>(
  obj: T | undefined,
  kind: K,
): obj is T & {
  /** The kind. */
  kind: K;
  /** Its data, typed by kind. */
  data?: LinkKindData[K];
} {
  return obj !== undefined && obj.kind === kind;
}

/** Whether a link's port (`link.port`) is the port of a `kind` master; narrows `data` to that kind's port settings. */
export function isPortKind<K extends LinkPortKind>(
  port: LinkPort | undefined,
  kind: K,
): port is {
  /** The master's kind. */
  kind: K;
  /** The port settings, typed by the master's kind. */
  data?: LinkPortData[K];
} {
  return port !== undefined && port.kind === kind;
}
