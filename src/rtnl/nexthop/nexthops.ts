// Nexthop objects: RTM_NEWNEXTHOP / RTM_DELNEXTHOP / RTM_GETNEXTHOP, taking and returning the
// nexthop model.

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/constants.js';
import { InvalidArgumentError, NetlinkError } from '../../netlink/errors.js';
import { checkInteger } from '../common/checks.js';
import { checkKeys, checkObject } from '../common/model.js';
import { changeObject, dumpObjects, getObject } from '../common/requests.js';
import type { LinkRef, Links } from '../link/links.js';
import type { IpFamily } from '../route/routes.js';
import { nexthopRequest } from './facts.js';
import { nexthopFromWire, nexthopToWire, type NexthopMessage } from './mapping.js';
import { checkNexthopKeys, type Nexthop, type NexthopSpec } from './model.js';
import { RTM_DELNEXTHOP, RTM_GETNEXTHOP, RTM_NEWNEXTHOP, nexthopMessage } from './wire.js';
import { FAMILY_MESSAGE_TYPES } from '../schemas/types.js';

export {
  nexthopKey,
  type Nexthop,
  type NexthopFlag,
  type NexthopGroupMember,
  type NexthopGroupMemberSpec,
  type NexthopGroupType,
  type NexthopSpec,
  type ResilientGroup,
  type ResilientGroupSpec,
} from './model.js';

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

const FILTER_KEYS: ReadonlySet<string> = new Set<keyof NexthopFilter>(['id', 'family', 'oif', 'master', 'groups', 'fdb']);

/** The header of requests that select nexthops by id or attributes. */
function header(): NexthopMessage {
  return { family: 'unspec', scope: 0, protocol: 0, flags: [] };
}

/** The nexthop objects of one network namespace. */
export class Nexthops {
  constructor(
    private readonly conn: Connection,
    private readonly links: Links,
  ) {
    conn.nameAttributes(nexthopMessage, ...FAMILY_MESSAGE_TYPES.nexthop);
  }

  /**
   * Creates a nexthop or a group, like `ip nexthop add`. Returns it as the kernel made it (with the
   * id the kernel picked, if none was given). A listed {@link Nexthop} can be given back as it is.
   * @throws {@link InvalidArgumentError} for an unknown key, a malformed address, weight or combination, before sending.
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
   * Deletes a nexthop, like `ip nexthop del id N`: by id, or a listed {@link Nexthop} (its id
   * selects it); routes using it go with it.
   * @throws {@link InvalidArgumentError} for an unknown key or a malformed value, before sending.
   * @throws {@link NetlinkError} `ENOENT` when there is none.
   */
  async delete(nexthop: NexthopSpec | number, opts?: RequestOptions): Promise<void> {
    let id: number | undefined;
    if (typeof nexthop === 'number') id = nexthop;
    else {
      checkNexthopKeys(nexthop);
      nexthopToWire({ ...nexthop, oif: nexthop.oif === undefined ? undefined : 0 });
      id = nexthop.id;
      if (id === undefined) throw new InvalidArgumentError('id', 'deleting a nexthop needs its id');
    }
    checkInteger('id', id, 1, 0xffffffff);
    await changeObject(this.conn, RTM_DELNEXTHOP, 0, nexthopMessage, { ...header(), id }, undefined, opts);
  }

  /**
   * Gets one nexthop by id, like `ip nexthop get id N`.
   * @throws {@link NetlinkError} `ENOENT` when there is none.
   */
  async get(id: number, opts?: RequestOptions): Promise<Nexthop> {
    checkInteger('id', id, 1, 0xffffffff);
    const nh = await getObject(this.conn, RTM_GETNEXTHOP, RTM_NEWNEXTHOP, nexthopMessage, { ...header(), id }, opts);
    if (!nh) throw new InvalidArgumentError('id', `the kernel sent no nexthop for id ${id}`);
    return nexthopFromWire(nh);
  }

  /** Lists nexthops, like `ip nexthop show`. */
  async list(filter: NexthopFilter = {}, opts?: RequestOptions): Promise<Nexthop[]> {
    checkObject(filter as unknown, 'filter', '{ id?, family?, oif?, master?, groups?, fdb? }');
    checkKeys(filter, FILTER_KEYS);
    if (filter.family !== undefined && filter.family !== 'inet' && filter.family !== 'inet6') {
      throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(filter.family)}`);
    }
    checkInteger('id', filter.id, 1, 0xffffffff);
    const oif = filter.oif === undefined ? 0 : await this.links.resolve(filter.oif, RTM_GETNEXTHOP);
    const master = filter.master === undefined ? 0 : await this.links.resolve(filter.master, RTM_GETNEXTHOP);
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
      const query: Partial<NexthopMessage> = { ...header(), family: filter.family ?? 'unspec' };
      if (oif !== 0) query.oif = oif;
      if (master !== 0) query.master = master;
      if (filter.groups) query.groups = true;
      if (filter.fdb) query.fdb = true;
      const res = await dumpObjects(this.conn, RTM_GETNEXTHOP, RTM_NEWNEXTHOP, nexthopMessage, query, opts, nexthopFromWire);
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
    const msg = await this.message(spec, RTM_NEWNEXTHOP);
    const echoed = await changeObject(this.conn, RTM_NEWNEXTHOP, flags, nexthopMessage, msg, { replyType: RTM_NEWNEXTHOP }, opts);
    if (echoed) return nexthopFromWire(echoed);
    if (spec.id === undefined) throw new InvalidArgumentError('id', 'the kernel did not say which id it picked');
    return this.get(spec.id, opts);
  }

  // Every key and value is checked before the interface's name is looked up: nothing is sent for a bad argument.
  private async message(spec: NexthopSpec, type: number): Promise<NexthopMessage> {
    checkNexthopKeys(spec);
    const msg = nexthopRequest(nexthopToWire({ ...spec, oif: spec.oif === undefined ? undefined : 0 }));
    if (spec.oif !== undefined) msg.oif = await this.links.resolve(spec.oif, type);
    return msg;
  }
}
