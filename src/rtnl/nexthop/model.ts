// The nexthop model: one shape for what list(), get() and events return and what add(), replace()
// and delete() take.

import { InvalidArgumentError } from '../../netlink/errors.js';
import type { RtnhFlags } from '../generated/common.js';
import type { LinkRef } from '../link/links.js';
import { checkKeys, checkObject } from '../common/model.js';
import type { Scope, ScopeInput } from '../common/scope.js';
import type { IpFamily, RouteProtocol } from '../route/routes.js';

/** A nexthop group's type (NHA_GROUP_TYPE): hash-threshold multipath (`mpath`) or `resilient`; another as its number. */
export type NexthopGroupType = 'mpath' | 'resilient' | number;

/**
 * A state flag the kernel sets on a nexthop (RTNH_F_*): `dead`, `linkdown`, `offload`, `trap`,
 * `pervasive`, `unresolved`; another bit as its value. (`onlink` is {@link Nexthop.onlink}.)
 */
export type NexthopFlag = Exclude<keyof typeof RtnhFlags, 'onlink'> | number;

/** A member of a nexthop group. */
export interface NexthopGroupMember {
  /** The member nexthop's id. */
  id: number;
  /** Its weight, 1 to 65535 (the kernel takes 16-bit weights since 6.12; iproute2 6.1 only up to 255). */
  weight: number;
}

/** A member of a nexthop group to create: the weight defaults to 1. */
export interface NexthopGroupMemberSpec {
  /** The member nexthop's id. */
  id: number;
  /** Its weight, 1 to 65535 (default 1). */
  weight?: number;
}

/** The parameters of a resilient nexthop group, in seconds. */
export interface ResilientGroup {
  /** Number of hash buckets. */
  buckets: number;
  /** Seconds a bucket must be idle before it may move to another nexthop. */
  idleTimer: number;
  /** Seconds the group may stay unbalanced before buckets move even if busy (0: never). */
  unbalancedTimer: number;
  /** Seconds the group has been unbalanced (read-only: add() ignores it; it changes without events). */
  unbalancedTime?: number;
}

/** The parameters of a resilient group to create: kernel defaults where absent (128 buckets, 120 s idle timer, 0). */
export type ResilientGroupSpec = Partial<ResilientGroup>;

/**
 * A nexthop object, as `ip nexthop` shows it: a single nexthop (a gateway and/or an interface, or
 * a blackhole) or a group of them. What {@link Nexthops.list}, {@link Nexthops.get} and the events
 * return; add(), replace() and delete() take it back as it is (see {@link NexthopSpec}).
 */
export interface Nexthop {
  /** The id, 1 to 2^32-1. */
  id: number;
  /** `inet` or `inet6` for a single nexthop; absent for a group. */
  family?: IpFamily;
  /** The gateway address. */
  gateway?: string;
  /** The index of the output interface. */
  oif?: number;
  /** Packets are dropped (NHA_BLACKHOLE). */
  blackhole?: boolean;
  /** The gateway is used even if it is not on a subnet of the interface (RTNH_F_ONLINK). */
  onlink?: boolean;
  /** A nexthop for the bridge FDB (vxlan), not for routes (NHA_FDB). */
  fdb?: boolean;
  /** Who installed the nexthop: `unspec`, `static`, `zebra`, ... */
  protocol: RouteProtocol;
  /** The scope the kernel derived (`link` for a gateway, `host` for a device only, `global`). Read-only: add() ignores it. */
  scope: Scope;
  /** What the kernel says of it (`dead`, `linkdown`, `offload`, `trap`, ...). Read-only: add() ignores them. */
  flags: NexthopFlag[];
  /** The members of a group, with their weights. */
  group?: NexthopGroupMember[];
  /** A group's type. */
  type?: NexthopGroupType;
  /** A resilient group's parameters. */
  resilient?: ResilientGroup;
}

/**
 * A nexthop to create, replace or delete: the {@link Nexthop} shape with what the kernel fills in
 * optional and the interface by index or name. Either a single nexthop (`gateway` and/or `oif`, or
 * `blackhole`) or a group (`group`, optionally `type: 'resilient'`).
 */
export interface NexthopSpec {
  /** The id, 1 to 2^32-1; the kernel picks a free one when absent (add and replace only). */
  id?: number;
  /** `inet` or `inet6` for a single nexthop; default the gateway's family, else `inet`. Groups have none. */
  family?: IpFamily;
  /** The gateway address. */
  gateway?: string;
  /** The output interface, by index or name. */
  oif?: LinkRef;
  /** Drop packets (NHA_BLACKHOLE); takes no gateway or interface. */
  blackhole?: boolean;
  /** Use the gateway even if it is not on a subnet of the interface (RTNH_F_ONLINK). */
  onlink?: boolean;
  /** A nexthop for the bridge FDB (vxlan), not for routes (NHA_FDB). */
  fdb?: boolean;
  /** Who installs the nexthop (default `unspec`, as `ip nexthop add`). */
  protocol?: RouteProtocol;
  /** Read-only (the kernel derives it): ignored. */
  scope?: ScopeInput;
  /** Read-only (the kernel's state): ignored. */
  flags?: readonly NexthopFlag[];
  /** The members of a group. */
  group?: readonly NexthopGroupMemberSpec[];
  /** The group's type: `mpath` (the default) or `resilient`. */
  type?: NexthopGroupType;
  /** Parameters of a resilient group. */
  resilient?: ResilientGroupSpec;
}

/** A {@link NexthopSpec} whose interface is resolved to its index: what the mapping takes. */
export type ResolvedNexthopSpec = Omit<NexthopSpec, 'oif'> & { oif?: number };

const NEXTHOP_KEYS: ReadonlySet<string> = new Set<keyof NexthopSpec>([
  'id',
  'family',
  'gateway',
  'oif',
  'blackhole',
  'onlink',
  'fdb',
  'protocol',
  'scope',
  'flags',
  'group',
  'type',
  'resilient',
]);
const MEMBER_KEYS: ReadonlySet<string> = new Set<keyof NexthopGroupMemberSpec>(['id', 'weight']);
const RESILIENT_KEYS: ReadonlySet<string> = new Set<keyof ResilientGroup>(['buckets', 'idleTimer', 'unbalancedTimer', 'unbalancedTime']);

/**
 * Checks that `spec` is an object with no key a {@link NexthopSpec} does not have, at every level
 * (`group.N`, `resilient`).
 * @throws {@link InvalidArgumentError} naming the first unknown key by its path.
 */
export function checkNexthopKeys(spec: unknown): asserts spec is NexthopSpec {
  checkObject(spec, 'nexthop', '{ id, gateway, oif, ... } or { id, group, ... }');
  checkKeys(spec, NEXTHOP_KEYS);
  if (spec.group !== undefined) {
    if (!Array.isArray(spec.group)) throw new InvalidArgumentError('group', 'expected an array of { id, weight? }');
    for (const [i, m] of (spec.group as unknown[]).entries()) {
      checkObject(m, `group.${i}`, '{ id, weight? }');
      checkKeys(m, MEMBER_KEYS, `group.${i}.`);
    }
  }
  if (spec.resilient !== undefined) {
    checkObject(spec.resilient, 'resilient', '{ buckets?, idleTimer?, unbalancedTimer? }');
    checkKeys(spec.resilient, RESILIENT_KEYS, 'resilient.');
  }
}

/** The identity of a nexthop: its id. */
export function nexthopKey(n: Pick<Nexthop, 'id'>): string {
  return String(n.id);
}
