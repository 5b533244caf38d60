// Addresses: RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR, taking and returning the address model.

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/constants.js';
import { InvalidArgumentError } from '../../netlink/errors.js';
import { changeObject, dumpObjects } from '../common/requests.js';
import { checkKeys, checkObject } from '../common/model.js';
import { RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR, addrMessage } from '../generated/addr.js';
import type { LinkRef, Links } from '../link/links.js';
import { addressFromWire, addressToWire, type AddressMessage } from './mapping.js';
import { checkAddressKeys, type Address, type AddressFamily, type AddressSpec } from './model.js';
import { FAMILY_MESSAGE_TYPES } from '../schemas/types.js';

export { addressKey, type Address, type AddressFamily, type AddressFlag, type AddressProtocol, type AddressSpec } from './model.js';

/** Filters for {@link Addresses.list}; the kernel applies them where it can. */
export interface AddressFilter {
  /** Only IPv4 (`inet`) or IPv6 (`inet6`) addresses. */
  family?: AddressFamily;
  /** Only addresses of this link. */
  link?: LinkRef;
}

const FILTER_KEYS: ReadonlySet<string> = new Set<keyof AddressFilter>(['family', 'link']);

/** The addresses of one network namespace. */
export class Addresses {
  constructor(
    private readonly conn: Connection,
    private readonly links: Links,
  ) {
    conn.nameAttributes(addrMessage, ...FAMILY_MESSAGE_TYPES.address);
  }

  /**
   * Adds an address, like `ip addr add`. A listed {@link Address} can be given back as it is.
   * @throws {@link InvalidArgumentError} for an unknown key or a malformed value, before sending.
   * @throws {@link NetlinkError} `EEXIST` when the link already has it.
   */
  async add(spec: AddressSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, addrMessage, await this.message(spec, RTM_NEWADDR), undefined, opts);
  }

  /** Adds an address or updates it if the link has it already, like `ip addr replace`. */
  async replace(spec: AddressSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, addrMessage, await this.message(spec, RTM_NEWADDR), undefined, opts);
  }

  /**
   * Removes an address, like `ip addr del`: the one with this link, address and peer (and, for
   * IPv4, this label when one is given). A listed {@link Address} removes exactly that address.
   * @throws {@link NetlinkError} `EADDRNOTAVAIL` when the link does not have it.
   */
  async delete(spec: AddressSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_DELADDR, 0, addrMessage, await this.message(spec, RTM_DELADDR), undefined, opts);
  }

  /** Lists addresses, like `ip addr show`. */
  async list(filter: AddressFilter = {}, opts?: RequestOptions): Promise<Address[]> {
    checkObject(filter as unknown, 'filter', '{ family?, link? }');
    checkKeys(filter, FILTER_KEYS);
    if (filter.family !== undefined && filter.family !== 'inet' && filter.family !== 'inet6') {
      throw new InvalidArgumentError('family', `expected inet or inet6, got ${JSON.stringify(filter.family)}`);
    }
    const index = filter.link === undefined ? 0 : await this.links.resolve(filter.link, RTM_GETADDR);
    const query: Partial<AddressMessage> = { family: filter.family ?? 'unspec', prefixlen: 0, ifaFlags: [], scope: 0, index };
    const res = await dumpObjects(this.conn, RTM_GETADDR, RTM_NEWADDR, addrMessage, query, opts, addressFromWire);
    let items = res.items;
    if (!res.kernelFiltered) {
      if (filter.family !== undefined) items = items.filter((a) => a.family === filter.family);
      if (index !== 0) items = items.filter((a) => a.link === index);
    }
    return items;
  }

  // Every key and value is checked before the link's name is looked up: nothing is sent for a bad argument.
  private async message(spec: AddressSpec, type: number): Promise<AddressMessage> {
    checkAddressKeys(spec);
    const msg = addressToWire({ ...spec, link: 0 });
    msg.index = await this.links.resolve(spec.link, type);
    return msg;
  }
}
