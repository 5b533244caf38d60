// Nexthop objects: RTM_NEWNEXTHOP / RTM_DELNEXTHOP / RTM_GETNEXTHOP.

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/constants.js';
import { InvalidArgumentError, NetlinkError } from '../../netlink/errors.js';
import type { SchemaValue } from '../../netlink/message.js';
import { changeObject, dumpObjects, getObject } from '../common/requests.js';
import { RtProtocol } from '../generated/common.js';
import { RTM_DELNEXTHOP, RTM_GETNEXTHOP, RTM_NEWNEXTHOP, nexthopMessage } from './wire.js';
import type { LinkRef, Links } from '../link/links.js';
import { checkInteger, enumNumber, parseAddress } from '../common/checks.js';
import { type IpFamily, type RouteProtocol } from '../route/routes.js';

/**
 * A nexthop object as the kernel describes it: the nhmsg header (`family`, `scope`, `protocol`,
 * `flags`) and the attributes (`id`, `gateway`, `oif`, `blackhole`, `fdb`, `group`, `groupType`,
 * `resGroup`, ...). A group member's weight is `((weightHigh << 8) | weight) + 1`; the resilient
 * group's timers (`resGroup.idleTimer`, `resGroup.unbalancedTimer`) are in clock ticks of 1/100 s.
 */
export type Nexthop = SchemaValue<typeof nexthopMessage>;

/** A member of a nexthop group. */
export interface NexthopGroupMember {
  /** The member nexthop's id. */
  id: number;
  /** Its weight, 1 to 65535 (default 1); above 256 needs a kernel with 16-bit weights (6.12). */
  weight?: number;
}

/** Parameters of a resilient nexthop group (`ip nexthop add ... type resilient ...`). */
export interface ResilientGroupSettings {
  /** Number of hash buckets (default 128 in the kernel). */
  buckets?: number;
  /** Seconds a bucket must be idle before it may move to another nexthop. */
  idleTimer?: number;
  /** Seconds the group may stay unbalanced before buckets move even if busy (0: never). */
  unbalancedTimer?: number;
}

/**
 * A nexthop object to create or replace: either a single nexthop (`gateway` and/or `oif`, or
 * `blackhole`) or a group (`group`, optionally `type: 'resilient'`).
 */
export interface NexthopSpec {
  /** The id, 1 to 2^32-1; the kernel picks a free one when absent. */
  id?: number;
  /** `inet` or `inet6` for a single nexthop; default the gateway's family, else `inet`. Groups have none. */
  family?: IpFamily;
  /** The gateway address. */
  gateway?: string;
  /** The output interface. */
  oif?: LinkRef;
  /** Drop packets (NHA_BLACKHOLE); takes no gateway or interface. */
  blackhole?: boolean;
  /** Use the gateway even if it is not on a subnet of the interface (RTNH_F_ONLINK). */
  onlink?: boolean;
  /** A nexthop for the bridge FDB (vxlan), not for routes (NHA_FDB). */
  fdb?: boolean;
  /** The members of a group. */
  group?: NexthopGroupMember[];
  /** The group's type: hash-threshold multipath (`mpath`, the default) or `resilient`. */
  type?: 'mpath' | 'resilient';
  /** Parameters of a resilient group. */
  resilient?: ResilientGroupSettings;
  /** Who installs the nexthop (default unspec, as `ip nexthop add`). */
  protocol?: RouteProtocol;
}

/** Filters for {@link Nexthops.list}; the kernel applies them where it can. */
export interface NexthopFilter {
  /** Only this nexthop. */
  id?: number;
  /** Only single nexthops of this family (groups have none, so they are left out). */
  family?: IpFamily;
  /** Only nexthops through this interface (groups are left out). */
  oif?: LinkRef;
  /** Only nexthops whose interface is enslaved to this master (groups are left out). */
  master?: LinkRef;
  /** Only groups. */
  groups?: boolean;
  /** Only FDB nexthops. */
  fdb?: boolean;
}

/** clock_t ticks per second (USER_HZ), the unit of the resilient group timers. */
const USER_HZ = 100;

/** The nexthop objects of one network namespace. */
export class Nexthops {
  constructor(
    private readonly conn: Connection,
    private readonly links: Links,
  ) {}

  /**
   * Creates a nexthop or a group, like `ip nexthop add`. Returns it as the kernel made it (with the
   * id the kernel picked, if none was given).
   * @throws {@link InvalidArgumentError} for a malformed address, weight or combination, before sending.
   * @throws {@link NetlinkError} `EEXIST` when the id is taken, `EINVAL` for a member that does not exist.
   */
  async add(spec: NexthopSpec, opts?: RequestOptions): Promise<Nexthop> {
    return this.create(spec, NLM_F_CREATE | NLM_F_EXCL, opts);
  }

  /** Creates a nexthop or replaces the one with the same id, like `ip nexthop replace`. */
  async replace(spec: NexthopSpec, opts?: RequestOptions): Promise<Nexthop> {
    return this.create(spec, NLM_F_CREATE | NLM_F_REPLACE, opts);
  }

  /**
   * Deletes a nexthop, like `ip nexthop del id N`; routes using it go with it.
   * @throws {@link NetlinkError} `ENOENT` when there is none.
   */
  async delete(id: number, opts?: RequestOptions): Promise<void> {
    checkInteger('id', id, 1, 0xffffffff);
    await changeObject(this.conn, RTM_DELNEXTHOP, 0, nexthopMessage, { family: 'unspec', scope: 0, protocol: 0, flags: [], id } as Partial<Nexthop>, undefined, opts);
  }

  /**
   * Gets one nexthop by id, like `ip nexthop get id N`.
   * @throws {@link NetlinkError} `ENOENT` when there is none.
   */
  async get(id: number, opts?: RequestOptions): Promise<Nexthop> {
    checkInteger('id', id, 1, 0xffffffff);
    const nh = await getObject(this.conn, RTM_GETNEXTHOP, RTM_NEWNEXTHOP, nexthopMessage, { family: 'unspec', scope: 0, protocol: 0, flags: [], id } as Partial<Nexthop>, opts);
    if (!nh) throw new InvalidArgumentError('id', `the kernel sent no nexthop for id ${id}`);
    return nh;
  }

  /** Lists nexthops, like `ip nexthop show`. */
  async list(filter: NexthopFilter = {}, opts?: RequestOptions): Promise<Nexthop[]> {
    if (filter.family !== undefined && filter.family !== 'inet' && filter.family !== 'inet6') {
      throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(filter.family)}`);
    }
    checkInteger('id', filter.id, 1, 0xffffffff);
    const oif = filter.oif === undefined ? 0 : await this.links.indexOf(filter.oif);
    const master = filter.master === undefined ? 0 : await this.links.indexOf(filter.master);
    let items: Nexthop[];
    let kernelFiltered = false;
    if (filter.id !== undefined) {
      // The kernel's dump takes no id: ask for that one.
      try {
        items = [await this.get(filter.id, opts)];
      } catch (err) {
        if (err instanceof NetlinkError && err.code === 'ENOENT') return [];
        throw err;
      }
    } else {
      const query = { family: filter.family ?? 'unspec', scope: 0, protocol: 0, flags: [] } as Partial<Nexthop>;
      if (oif !== 0) query.oif = oif;
      if (master !== 0) query.master = master;
      if (filter.groups) query.groups = true;
      if (filter.fdb) query.fdb = true;
      const res = await dumpObjects(this.conn, RTM_GETNEXTHOP, RTM_NEWNEXTHOP, nexthopMessage, query, opts);
      items = res.items;
      kernelFiltered = res.kernelFiltered;
    }
    if (!kernelFiltered) {
      // The kernel's rules (nh_dump_filtered): a family, device or master filter leaves groups out.
      if (filter.groups) items = items.filter((n) => n.group !== undefined);
      if (filter.fdb) items = items.filter((n) => n.fdb === true);
      if (filter.family !== undefined) items = items.filter((n) => n.group === undefined && n.family === filter.family);
      if (oif !== 0) items = items.filter((n) => n.group === undefined && n.oif === oif);
      if (master !== 0) {
        const ports = new Set((await this.links.list({ master }, opts)).map((l) => l.index as number));
        items = items.filter((n) => n.group === undefined && n.oif !== undefined && ports.has(n.oif));
      }
    }
    return items;
  }

  private async create(spec: NexthopSpec, flags: number, opts?: RequestOptions): Promise<Nexthop> {
    const msg = await this.message(spec);
    const echoed = await changeObject(this.conn, RTM_NEWNEXTHOP, flags, nexthopMessage, msg, { replyType: RTM_NEWNEXTHOP }, opts);
    if (echoed) return echoed;
    if (spec.id === undefined) throw new InvalidArgumentError('id', 'the kernel did not say which id it picked');
    return this.get(spec.id, opts);
  }

  private async message(spec: NexthopSpec): Promise<Partial<Nexthop>> {
    if (spec === null || typeof spec !== 'object') throw new InvalidArgumentError('id', 'expected a nexthop spec');
    checkInteger('id', spec.id, 1, 0xffffffff);
    if (spec.family !== undefined && spec.family !== 'inet' && spec.family !== 'inet6') {
      throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(spec.family)}`);
    }
    const protocol = spec.protocol === undefined ? 0 : enumNumber('protocol', spec.protocol, RtProtocol);
    const msg = { family: 'unspec', scope: 0, protocol, flags: spec.onlink ? ['onlink'] : [] } as Partial<Nexthop>;
    if (spec.id !== undefined) msg.id = spec.id;
    if (spec.fdb) msg.fdb = true;
    if (spec.group !== undefined) {
      for (const k of ['gateway', 'oif', 'blackhole', 'onlink', 'family'] as const) {
        if (spec[k] !== undefined && spec[k] !== false) throw new InvalidArgumentError(k, 'a group takes no gateway, interface, blackhole, onlink or family of its own');
      }
      if (!Array.isArray(spec.group) || spec.group.length === 0) throw new InvalidArgumentError('group', 'expected a non-empty array of { id, weight? }');
      msg.group = spec.group.map((m, i) => {
        if (m === null || typeof m !== 'object') throw new InvalidArgumentError(`group.${i}`, 'expected { id, weight? }');
        checkInteger(`group.${i}.id`, m.id, 1, 0xffffffff);
        if (m.id === undefined) throw new InvalidArgumentError(`group.${i}.id`, 'a member needs an id');
        checkInteger(`group.${i}.weight`, m.weight, 1, 65535);
        const w = (m.weight ?? 1) - 1;
        return { id: m.id, weight: w & 0xff, weightHigh: w >> 8, resvd2: 0 };
      });
      const type = spec.type ?? 'mpath';
      if (type !== 'mpath' && type !== 'resilient') throw new InvalidArgumentError('type', `expected mpath or resilient, got ${JSON.stringify(type)}`);
      if (type === 'resilient') {
        msg.groupType = 'resilient';
        const r = spec.resilient ?? {};
        checkInteger('resilient.buckets', r.buckets, 1, 0xffff);
        const res: NonNullable<Nexthop['resGroup']> = {};
        if (r.buckets !== undefined) res.buckets = r.buckets;
        for (const k of ['idleTimer', 'unbalancedTimer'] as const) {
          const s = r[k];
          if (s === undefined) continue;
          if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || Math.round(s * USER_HZ) > 0xffffffff) {
            throw new InvalidArgumentError(`resilient.${k}`, `${String(s)} is not a number of seconds`);
          }
          res[k] = Math.round(s * USER_HZ);
        }
        msg.resGroup = res;
      } else if (spec.resilient !== undefined) {
        throw new InvalidArgumentError('resilient', 'resilient settings need type: resilient');
      }
      return msg;
    }
    if (spec.type !== undefined || spec.resilient !== undefined) throw new InvalidArgumentError(spec.type !== undefined ? 'type' : 'resilient', 'only a group has a type');
    let family: IpFamily = spec.family ?? 'inet';
    if (spec.blackhole) {
      if (spec.gateway !== undefined || spec.oif !== undefined) throw new InvalidArgumentError('blackhole', 'a blackhole nexthop takes no gateway or interface');
      msg.blackhole = true;
    } else {
      if (spec.gateway === undefined && spec.oif === undefined && !spec.fdb) throw new InvalidArgumentError('gateway', 'a nexthop needs a gateway, an interface (oif), blackhole or a group');
      if (spec.gateway !== undefined) {
        const g = parseAddress(spec.gateway, 'gateway');
        if (spec.family !== undefined && g.family !== spec.family) throw new InvalidArgumentError('gateway', `${spec.gateway} is not an ${spec.family} address`);
        family = g.family;
        msg.gateway = g.address;
      }
      if (spec.oif !== undefined) msg.oif = await this.links.indexOf(spec.oif);
    }
    msg.family = family;
    return msg;
  }
}
