// Filters: RTM_NEWTFILTER / RTM_DELTFILTER / RTM_GETTFILTER, like `tc filter`.

import type { Connection, RequestOptions } from '../../../netlink/connection.js';
import { NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL } from '../../../netlink/constants.js';
import { InvalidArgumentError } from '../../../netlink/errors.js';
import { checkKeys, checkObject } from '../../common/model.js';
import { RTM_DELTFILTER, RTM_GETQDISC, RTM_GETTCLASS, RTM_GETTFILTER, RTM_NEWQDISC, RTM_NEWTCLASS, RTM_NEWTFILTER } from '../../generated/tc.js';
import type { Links } from '../../link/links.js';
import type { TcActionSpec } from '../action/model.js';
import { classFromWire } from '../class/mapping.js';
import { parseHandle, TC_H_EGRESS_FILTERS, TC_H_INGRESS_FILTERS } from '../common/handle.js';
import { dumpMapped, requestTc, tcHeader, tcLinkIndex } from '../common/wire.js';
import { qdiscFromWire } from '../qdisc/mapping.js';
import { filterFromWire, filterIds, filterToWire, protocolToWire } from './mapping.js';
import type { Filter, FilterFilter, FilterSpec } from './model.js';

const LIST_KEYS = new Set(['link', 'parent', 'priority', 'protocol', 'chain', 'kind']);
const swap16 = (v: number): number => ((v & 0xff) << 8) | ((v >>> 8) & 0xff);

/** The filters of one network namespace (`tc filter`). */
export class Filters {
  constructor(
    private readonly conn: Connection,
    private readonly links: Links,
  ) {}

  /**
   * Lists filters, like `tc -s filter show dev X parent P`. The kernel lists the filters of one
   * interface and parent at a time: without `parent`, every qdisc and class of the interface is
   * asked (and both hooks of a clsact qdisc); without `link`, every interface. `priority`,
   * `protocol` and `chain` are applied by the kernel.
   */
  async list(filter: FilterFilter = {}, opts?: RequestOptions): Promise<Filter[]> {
    checkObject(filter as unknown, 'filter', 'a filter filter');
    checkKeys(filter, LIST_KEYS);
    const priority = filter.priority ?? 0;
    if (!Number.isInteger(priority) || priority < 0 || priority > 0xffff) throw new InvalidArgumentError('priority', `${String(priority)} is not a priority from 0 to 65535`);
    const protocol = filter.protocol === undefined ? 0 : protocolToWire(filter.protocol, 'protocol');
    const given = filter.parent === undefined ? undefined : parseHandle(filter.parent, 'parent', { filterParent: true });
    const links = filter.link === undefined ? (await this.links.list({}, opts)).map((l) => l.index as number) : [await this.links.indexOf(filter.link)];
    const out: Filter[] = [];
    for (const link of links) {
      for (const parent of given === undefined ? await this.parentsOf(link, opts) : [given]) {
        const query = tcHeader(link, 0, parent, ((priority << 16) | swap16(protocol)) >>> 0);
        if (filter.chain !== undefined) query.chain = filter.chain;
        out.push(...(await dumpMapped(this.conn, RTM_GETTFILTER, RTM_NEWTFILTER, query, filterFromWire, (f) => filter.kind === undefined || f.kind === filter.kind, opts)));
      }
    }
    return out;
  }

  /** Where filters can be attached on a link: its qdiscs (both hooks of clsact) and its classes. */
  private async parentsOf(link: number, opts?: RequestOptions): Promise<number[]> {
    const qdiscs = await dumpMapped(this.conn, RTM_GETQDISC, RTM_NEWQDISC, tcHeader(link, 0, 0), qdiscFromWire, (q) => q.link === link, opts);
    const parents: number[] = [];
    for (const q of qdiscs) {
      if (q.kind === 'clsact') parents.push(TC_H_INGRESS_FILTERS, TC_H_EGRESS_FILTERS);
      else if (q.handle !== '0:') parents.push(parseHandle(q.handle, 'handle'));
    }
    if (parents.length > 0) {
      const classes = await dumpMapped(this.conn, RTM_GETTCLASS, RTM_NEWTCLASS, tcHeader(link, 0, 0), classFromWire, () => true, opts);
      for (const c of classes) parents.push(parseHandle(c.handle, 'handle'));
    }
    return parents;
  }

  /**
   * Gets one filter by interface, parent, priority, protocol and handle (and kind).
   * @throws {@link NetlinkError} `ENOENT` when there is none.
   */
  async get(ref: Pick<FilterSpec, 'link' | 'parent' | 'kind' | 'protocol' | 'priority' | 'handle' | 'chain'>, opts?: RequestOptions): Promise<Filter> {
    checkObject(ref as unknown, 'filter', 'a filter reference');
    if (ref.handle === undefined) throw new InvalidArgumentError('handle', 'name the filter by its handle');
    if (!ref.priority) throw new InvalidArgumentError('priority', 'name the filter by its priority too');
    const msg = filterToWire({ ...ref, link: await tcLinkIndex(this.links, ref, 'filter', RTM_GETTFILTER) });
    const w = await requestTc(this.conn, RTM_GETTFILTER, 0, msg, RTM_NEWTFILTER, opts);
    if (!w) throw new InvalidArgumentError('handle', 'the kernel sent no filter');
    return filterFromWire(w);
  }

  /**
   * Creates a filter, like `tc filter add`. Returns it as the kernel made it (with the handle and
   * priority it picked).
   * @throws {@link InvalidArgumentError} for malformed input, before sending.
   * @throws {@link NetlinkError} as the kernel refuses it: `EEXIST`; `ENOENT` "TC classifier not
   * found" for a kind this kernel lacks; `ENOENT` "Failed to load TC action module" for an action
   * it lacks; `EINVAL` when the parent cannot hold filters.
   */
  async add(spec: FilterSpec, opts?: RequestOptions): Promise<Filter> {
    return this.send(spec, NLM_F_CREATE | NLM_F_EXCL, opts);
  }

  /** Creates a filter or changes the one with this handle, like `tc filter replace`. */
  async replace(spec: FilterSpec, opts?: RequestOptions): Promise<Filter> {
    return this.send(spec, NLM_F_CREATE, opts);
  }

  /** Changes an existing filter, like `tc filter change` (name it by priority, protocol and handle). */
  async change(spec: FilterSpec, opts?: RequestOptions): Promise<Filter> {
    return this.send(spec, 0, opts);
  }

  /**
   * Deletes a filter, like `tc filter del`: by a listed object, or by parent, priority, protocol
   * and handle. Without a handle, the whole priority goes; without a priority, every filter of
   * the chain at that parent.
   */
  async delete(spec: FilterSpec, opts?: RequestOptions): Promise<void> {
    const msg = filterToWire({ ...spec, options: undefined, link: await tcLinkIndex(this.links, spec, 'filter', RTM_DELTFILTER) });
    await requestTc(this.conn, RTM_DELTFILTER, 0, msg, undefined, opts);
  }


  /** The spec with its interface and its actions' interfaces as indexes. */
  private async resolve(spec: FilterSpec): Promise<Parameters<typeof filterToWire>[0]> {
    const link = await tcLinkIndex(this.links, spec, 'filter', RTM_NEWTFILTER);
    const o = spec.options as { actions?: TcActionSpec[] } | undefined;
    if (o === undefined || o instanceof Uint8Array || typeof o !== 'object' || !Array.isArray(o.actions)) return { ...spec, link } as Parameters<typeof filterToWire>[0];
    const actions = await Promise.all(
      o.actions.map(async (a, i) => {
        const ref = a !== null && typeof a === 'object' && a.kind === 'mirred' ? (a as { link?: unknown }).link : undefined;
        if (typeof ref !== 'string') return a;
        try {
          return { ...a, link: await this.links.indexOf(ref) };
        } catch (e) {
          throw new InvalidArgumentError(`options.actions.${i}.link`, `no interface ${JSON.stringify(ref)} (${e instanceof Error ? e.message : String(e)})`);
        }
      }),
    );
    return { ...spec, link, options: { ...o, actions } } as Parameters<typeof filterToWire>[0];
  }

  private async send(spec: FilterSpec, flags: number, opts?: RequestOptions): Promise<Filter> {
    const msg = filterToWire(await this.resolve(spec));
    if (msg.kind === undefined) throw new InvalidArgumentError('kind', 'name the filter kind (u32, ...)');
    const echoed = await requestTc(this.conn, RTM_NEWTFILTER, flags | NLM_F_ECHO, msg, RTM_NEWTFILTER, opts);
    // A change of an existing u32 filter is echoed as it was before the change: ask again.
    if (echoed && ((flags & NLM_F_EXCL) !== 0 || echoed.handle === 0)) return filterFromWire(echoed);
    if (echoed) {
      return this.get({ link: echoed.ifindex, parent: echoed.parent, kind: msg.kind, priority: echoed.info >>> 16, protocol: swap16(echoed.info & 0xffff), handle: echoed.handle, chain: echoed.chain }, opts);
    }
    const ids = filterIds({ ...spec, kind: msg.kind });
    return this.get({ link: msg.ifindex, parent: ids.parent, kind: msg.kind, priority: msg.info >>> 16, protocol: ids.protocol, handle: msg.handle }, opts);
  }
}
