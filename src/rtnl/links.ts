// Links (network interfaces): RTM_NEWLINK / RTM_DELLINK / RTM_GETLINK / RTM_SETLINK.

import type { Connection, RequestOptions } from '../netlink/connection.js';
import { InvalidArgumentError } from '../netlink/errors.js';
import type { SchemaValue } from '../netlink/message.js';
import { dumpObjects, getObject } from './family.js';
import { RTM_GETLINK, RTM_NEWLINK, linkMessage } from './generated/link.js';

/**
 * A network interface as the kernel describes it: the ifinfomsg header (`family`, `type`,
 * `index`, `flags`, `change`) and every attribute the kernel sent (`name`, `mtu`, `address`,
 * `operstate`, `master`, `linkinfo` with the kind and its typed data, `stats64`, ...).
 */
export type Link = SchemaValue<typeof linkMessage>;

/** Names a link: its index, its name, or an object with either. */
export type LinkRef = number | string | { index: number } | { name: string };

/** Filters for {@link Links.list}; the kernel applies them where it can. */
export interface LinkFilter {
  /** Only links of this kind (`veth`, `bridge`, ...). */
  kind?: string;
  /** Only ports of this master (index or name). */
  master?: number | string;
}

/** Maximum length of an interface name in bytes (IFNAMSIZ - 1). */
export const IFNAMSIZ_MAX = 15;

/** Checks an interface name as the kernel would; names the field on failure. */
export function validateLinkName(name: string, field = 'name'): void {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError(field, 'an interface name must be a non-empty string');
  if (Buffer.byteLength(name) > IFNAMSIZ_MAX) throw new InvalidArgumentError(field, `${JSON.stringify(name)} is longer than ${IFNAMSIZ_MAX} bytes`);
  if (name === '.' || name === '..' || /[/\s:\0]/.test(name)) throw new InvalidArgumentError(field, `${JSON.stringify(name)} is not a valid interface name`);
}

/** The links of one network namespace. */
export class Links {
  constructor(private readonly conn: Connection) {}

  /** Lists links, like `ip -d link show`. */
  async list(filter: LinkFilter = {}, opts?: RequestOptions): Promise<Link[]> {
    const query: Partial<Link> = { family: 'unspec', type: 0, index: 0, flags: [], change: [] } as Partial<Link>;
    const master = filter.master === undefined ? undefined : await this.indexOf(filter.master);
    if (master !== undefined) query.master = master;
    if (filter.kind !== undefined) query.linkinfo = { kind: filter.kind } as Link['linkinfo'];
    const res = await dumpObjects(this.conn, RTM_GETLINK, RTM_NEWLINK, linkMessage, query, opts);
    let items = res.items;
    // The kernel filters in strict mode; filter here too, so the answer is the same either way.
    if (!res.kernelFiltered) {
      if (master !== undefined) items = items.filter((l) => l.master === master);
      if (filter.kind !== undefined) items = items.filter((l) => l.linkinfo?.kind === filter.kind);
    }
    return items;
  }

  /**
   * Gets one link by index or name.
   * @throws {@link NetlinkError} `ENODEV` when there is none.
   */
  async get(ref: LinkRef, opts?: RequestOptions): Promise<Link> {
    const query = { family: 'unspec', type: 0, index: 0, flags: [], change: [] } as Partial<Link>;
    const r = normalizeRef(ref);
    if ('index' in r) query.index = r.index;
    else query.name = r.name;
    const link = await getObject(this.conn, RTM_GETLINK, RTM_NEWLINK, linkMessage, query, opts);
    if (!link) throw new InvalidArgumentError('link', `the kernel sent no link for ${JSON.stringify(ref)}`);
    return link;
  }

  /** Like {@link Links.get}, but resolves `undefined` when the link does not exist. */
  async find(ref: LinkRef, opts?: RequestOptions): Promise<Link | undefined> {
    try {
      return await this.get(ref, opts);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENODEV') return undefined;
      throw err;
    }
  }

  /** The index of a link named by index or name (a name is looked up in this namespace). */
  async indexOf(ref: LinkRef): Promise<number> {
    const r = normalizeRef(ref);
    if ('index' in r) return r.index;
    return (await this.get(r)).index as number;
  }
}

/** Turns any {@link LinkRef} into `{ index }` or `{ name }`, checking it. */
export function normalizeRef(ref: LinkRef): { index: number } | { name: string } {
  if (typeof ref === 'number') ref = { index: ref };
  else if (typeof ref === 'string') ref = { name: ref };
  if ('index' in ref) {
    if (!Number.isInteger(ref.index) || ref.index <= 0) throw new InvalidArgumentError('link.index', `${ref.index} is not an interface index`);
    return { index: ref.index };
  }
  validateLinkName(ref.name, 'link.name');
  return { name: ref.name };
}
