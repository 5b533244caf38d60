// Addresses: RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR.

import type { Connection, RequestOptions } from '../netlink/connection.js';
import type { SchemaValue } from '../netlink/message.js';
import { dumpObjects } from './family.js';
import { RTM_GETADDR, RTM_NEWADDR, addrMessage } from './generated/addr.js';
import type { LinkRef, Links } from './links.js';

/**
 * An IPv4 or IPv6 address as the kernel describes it: the ifaddrmsg header (`family`,
 * `prefixlen`, `scope`, `index`, and `ifaFlags`, the low 8 bits of the flags) and the attributes
 * (`address`, `local`, `label`, `broadcast`, `flags` by name, `cacheinfo`, ...).
 */
export type Address = SchemaValue<typeof addrMessage>;

/** Address families by name. */
export type AddressFamily = 'inet' | 'inet6';

/** Filters for {@link Addresses.list}; the kernel applies them where it can. */
export interface AddressFilter {
  /** Only IPv4 (`inet`) or IPv6 (`inet6`) addresses. */
  family?: AddressFamily;
  /** Only addresses of this link. */
  link?: LinkRef;
}

/** The addresses of one network namespace. */
export class Addresses {
  constructor(
    private readonly conn: Connection,
    private readonly links: Links,
  ) {}

  /** Lists addresses, like `ip addr show`. */
  async list(filter: AddressFilter = {}, opts?: RequestOptions): Promise<Address[]> {
    const index = filter.link === undefined ? 0 : await this.links.indexOf(filter.link);
    const query = { family: filter.family ?? 'unspec', prefixlen: 0, ifaFlags: [], scope: 0, index } as Partial<Address>;
    const res = await dumpObjects(this.conn, RTM_GETADDR, RTM_NEWADDR, addrMessage, query, opts);
    let items = res.items;
    if (!res.kernelFiltered) {
      if (filter.family !== undefined) items = items.filter((a) => a.family === filter.family);
      if (index !== 0) items = items.filter((a) => a.index === index);
    }
    return items;
  }
}
