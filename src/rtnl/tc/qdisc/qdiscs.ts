// Queueing disciplines: RTM_NEWQDISC / RTM_DELQDISC / RTM_GETQDISC, like `tc qdisc`.

import type { Connection, RequestOptions } from '../../../netlink/connection.js';
import { NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REPLACE } from '../../../netlink/constants.js';
import { InvalidArgumentError, NetlinkError } from '../../../netlink/errors.js';

const ENOENT = 2;
import { checkKeys, checkObject } from '../../common/model.js';
import { RTM_DELQDISC, RTM_GETQDISC, RTM_NEWQDISC } from '../../generated/tc.js';
import type { Links } from '../../link/links.js';
import { formatHandle, formatQdiscHandle, parseHandle } from '../common/handle.js';
import { dumpMapped, requestTc, tcHeader, tcLinkIndex } from '../common/wire.js';
import { qdiscFromWire, qdiscIds, qdiscToWire } from './mapping.js';
import type { Qdisc, QdiscFilter, QdiscSpec } from './model.js';

const FILTER_KEYS = new Set(['link', 'kind', 'handle', 'parent', 'invisible']);

/** The qdiscs of one network namespace (`tc qdisc`). */
export class Qdiscs {
  constructor(
    private readonly conn: Connection,
    private readonly links: Links,
  ) {}

  /**
   * Lists qdiscs, like `tc -s qdisc show [dev X]`, with their statistics. The kernel dumps every
   * interface's qdiscs; the filter is applied here.
   */
  async list(filter: QdiscFilter = {}, opts?: RequestOptions): Promise<Qdisc[]> {
    checkObject(filter as unknown, 'filter', 'a qdisc filter');
    checkKeys(filter, FILTER_KEYS);
    const link = filter.link === undefined ? undefined : await this.links.indexOf(filter.link);
    const handle = filter.handle === undefined ? undefined : formatQdiscHandle(parseHandle(filter.handle, 'handle'));
    const parent = filter.parent === undefined ? undefined : formatHandle(parseHandle(filter.parent, 'parent'));
    const query = tcHeader(link ?? 0, 0, 0);
    if (filter.invisible) query.dumpInvisible = true;
    return dumpMapped(
      this.conn,
      RTM_GETQDISC,
      RTM_NEWQDISC,
      query,
      qdiscFromWire,
      (q) => (link === undefined || q.link === link) && (filter.kind === undefined || q.kind === filter.kind) && (handle === undefined || q.handle === handle) && (parent === undefined || q.parent === parent),
      opts,
    );
  }

  /**
   * Gets one qdisc by its interface and handle, or by where it attaches (`parent`).
   * @throws {@link NetlinkError} `ENOENT` when there is none.
   */
  async get(ref: Pick<QdiscSpec, 'link' | 'handle' | 'parent' | 'kind'>, opts?: RequestOptions): Promise<Qdisc> {
    checkObject(ref as unknown, 'qdisc', 'a qdisc reference');
    if (ref.handle === undefined && ref.parent === undefined) throw new InvalidArgumentError('handle', 'name the qdisc by handle or parent');
    const { handle, parent } = qdiscIds({ ...ref, parent: ref.parent ?? 0 });
    const link = await this.links.indexOf(ref.link);
    if (ref.parent === undefined) {
      // A get by handle alone is answered with parent 0 (the kernel echoes the request's parent):
      // find it in the dump instead, parent included.
      const found = await this.list({ link, handle }, opts);
      if (found.length === 0) throw new NetlinkError(ENOENT, { type: RTM_GETQDISC, typeName: 'RTM_GETQDISC', flags: 0, seq: 0 }, { message: `no qdisc ${formatQdiscHandle(handle)} on link ${link}` });
      return found[0];
    }
    // The kernel answers a qdisc get only to its multicast group unless asked to echo it.
    const w = await requestTc(this.conn, RTM_GETQDISC, NLM_F_ECHO, tcHeader(link, handle, parent), RTM_NEWQDISC, opts);
    if (!w) throw new InvalidArgumentError('parent', 'the kernel sent no qdisc');
    return qdiscFromWire(w);
  }

  /**
   * Creates a qdisc, like `tc qdisc add`. Returns it as the kernel made it (with the handle it
   * picked when none was given).
   * @throws {@link InvalidArgumentError} for a malformed handle, rate, size or option, before sending.
   * @throws {@link NetlinkError} as the kernel refuses it: `EEXIST`, `ENOENT` for a missing parent,
   * `ENOENT` "Specified qdisc kind is unknown" for a kind this kernel lacks.
   */
  async add(spec: QdiscSpec, opts?: RequestOptions): Promise<Qdisc> {
    return this.send(spec, NLM_F_CREATE | NLM_F_EXCL, opts);
  }

  /** Creates a qdisc or replaces the one attached at `parent`, like `tc qdisc replace`. */
  async replace(spec: QdiscSpec, opts?: RequestOptions): Promise<Qdisc> {
    return this.send(spec, NLM_F_CREATE | NLM_F_REPLACE, opts);
  }

  /** Changes the options of an existing qdisc in place, like `tc qdisc change`. */
  async change(spec: QdiscSpec, opts?: RequestOptions): Promise<Qdisc> {
    return this.send(spec, 0, opts);
  }

  /**
   * Deletes a qdisc, like `tc qdisc del`: by a listed object, or by `{ link, parent }` (and
   * optionally `handle` and `kind`, which must then match).
   * @throws {@link NetlinkError} `ENOENT` when there is none (or it is a default qdisc, handle 0:).
   */
  async delete(spec: QdiscSpec, opts?: RequestOptions): Promise<void> {
    const msg = qdiscToWire({ ...spec, link: await tcLinkIndex(this.links, spec, 'qdisc', RTM_DELQDISC) });
    delete msg.options;
    await requestTc(this.conn, RTM_DELQDISC, 0, msg, undefined, opts);
  }


  private async send(spec: QdiscSpec, flags: number, opts?: RequestOptions): Promise<Qdisc> {
    const msg = qdiscToWire({ ...spec, link: await tcLinkIndex(this.links, spec, 'qdisc', RTM_NEWQDISC) });
    if (msg.kind === undefined) throw new InvalidArgumentError('kind', 'name the qdisc kind (htb, tbf, pfifo, ...)');
    const echoed = await requestTc(this.conn, RTM_NEWQDISC, flags | NLM_F_ECHO, msg, RTM_NEWQDISC, opts);
    if (echoed) return qdiscFromWire(echoed);
    return this.get({ link: msg.ifindex, parent: msg.parent, kind: msg.kind }, opts);
  }
}
