// Traffic classes: RTM_NEWTCLASS / RTM_DELTCLASS / RTM_GETTCLASS, like `tc class`.

import type { Connection, RequestOptions } from '../../../netlink/connection.js';
import { NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REPLACE } from '../../../netlink/constants.js';
import { InvalidArgumentError } from '../../../netlink/errors.js';
import { checkKeys, checkObject } from '../../common/model.js';
import { RTM_DELTCLASS, RTM_GETTCLASS, RTM_NEWTCLASS } from '../../generated/tc.js';
import type { Links } from '../../link/links.js';
import { formatHandle, parseHandle } from '../common/handle.js';
import { dumpMapped, requestTc, tcHeader, tcLinkIndex } from '../common/wire.js';
import { classFromWire, classIds, classToWire } from './mapping.js';
import type { ClassFilter, TrafficClass, TrafficClassSpec } from './model.js';

const FILTER_KEYS = new Set(['link', 'qdisc', 'handle', 'parent', 'kind']);

/** The traffic classes of one network namespace (`tc class`). */
export class Classes {
  constructor(
    private readonly conn: Connection,
    private readonly links: Links,
  ) {}

  /**
   * Lists classes, like `tc -s class show dev X`, with their statistics. The kernel lists classes
   * per interface: without `link`, every interface is asked in turn. `qdisc` is applied by the
   * kernel, the other filters here.
   */
  async list(filter: ClassFilter = {}, opts?: RequestOptions): Promise<TrafficClass[]> {
    checkObject(filter as unknown, 'filter', 'a class filter');
    checkKeys(filter, FILTER_KEYS);
    const qdisc = filter.qdisc === undefined ? 0 : parseHandle(filter.qdisc, 'qdisc');
    if ((qdisc & 0xffff) !== 0) throw new InvalidArgumentError('qdisc', `a qdisc handle has no minor number (write '${(qdisc >>> 16).toString(16)}:')`);
    const handle = filter.handle === undefined ? undefined : formatHandle(parseHandle(filter.handle, 'handle'));
    const parent = filter.parent === undefined ? undefined : formatHandle(parseHandle(filter.parent, 'parent'));
    const keep = (c: TrafficClass): boolean =>
      (handle === undefined || c.handle === handle) && (parent === undefined || c.parent === parent) && (filter.kind === undefined || c.kind === filter.kind);
    const links = filter.link === undefined ? (await this.links.list({}, opts)).map((l) => l.index as number) : [await this.links.indexOf(filter.link)];
    const out: TrafficClass[] = [];
    for (const link of links) {
      out.push(...(await dumpMapped(this.conn, RTM_GETTCLASS, RTM_NEWTCLASS, tcHeader(link, 0, qdisc), classFromWire, keep, opts)));
    }
    return out;
  }

  /**
   * Gets one class by its interface and class id.
   * @throws {@link NetlinkError} `ENOENT` when there is none.
   */
  async get(ref: Pick<TrafficClassSpec, 'link' | 'handle'>, opts?: RequestOptions): Promise<TrafficClass> {
    checkObject(ref as unknown, 'class', 'a class reference');
    const { handle } = classIds({ handle: ref.handle, parent: 0 });
    const link = await tcLinkIndex(this.links, ref, 'class', RTM_GETTCLASS);
    // Answered only to the multicast group unless asked to echo it, as qdisc gets.
    const w = await requestTc(this.conn, RTM_GETTCLASS, NLM_F_ECHO, tcHeader(link, handle, 0), RTM_NEWTCLASS, opts);
    if (!w) throw new InvalidArgumentError('handle', 'the kernel sent no class');
    return classFromWire(w);
  }

  /**
   * Creates a class, like `tc class add`. Returns it as the kernel made it (with the quantum and
   * level it computed).
   * @throws {@link InvalidArgumentError} for a malformed class id, rate, size or option, before sending.
   * @throws {@link NetlinkError} as the kernel refuses it: `EEXIST`, `ENOENT` when the qdisc or the
   * parent class does not exist, `EOPNOTSUPP` for a qdisc without classes.
   */
  async add(spec: TrafficClassSpec, opts?: RequestOptions): Promise<TrafficClass> {
    return this.send(spec, NLM_F_CREATE | NLM_F_EXCL, opts);
  }

  /** Creates a class or changes the one with this id, like `tc class replace`. */
  async replace(spec: TrafficClassSpec, opts?: RequestOptions): Promise<TrafficClass> {
    return this.send(spec, NLM_F_CREATE | NLM_F_REPLACE, opts);
  }

  /** Changes an existing class in place, like `tc class change`. */
  async change(spec: TrafficClassSpec, opts?: RequestOptions): Promise<TrafficClass> {
    return this.send(spec, 0, opts);
  }

  /**
   * Deletes a class, like `tc class del`: by a listed object or by `{ link, handle }`.
   * @throws {@link NetlinkError} `ENOENT` when there is none, `EBUSY` while it has children or filters point to it.
   */
  async delete(spec: TrafficClassSpec, opts?: RequestOptions): Promise<void> {
    const msg = classToWire({ ...spec, link: await tcLinkIndex(this.links, spec, 'class', RTM_DELTCLASS) });
    delete msg.options;
    await requestTc(this.conn, RTM_DELTCLASS, 0, msg, undefined, opts);
  }


  private async send(spec: TrafficClassSpec, flags: number, opts?: RequestOptions): Promise<TrafficClass> {
    const msg = classToWire({ ...spec, link: await tcLinkIndex(this.links, spec, 'class', RTM_NEWTCLASS) });
    if (msg.kind === undefined) throw new InvalidArgumentError('kind', 'name the class kind (htb)');
    const echoed = await requestTc(this.conn, RTM_NEWTCLASS, flags | NLM_F_ECHO, msg, RTM_NEWTCLASS, opts);
    if (echoed) return classFromWire(echoed);
    return this.get({ link: msg.ifindex, handle: msg.handle }, opts);
  }
}
