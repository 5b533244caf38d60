// Addresses: RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR.

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../netlink/constants.js';
import { InvalidArgumentError } from '../../netlink/errors.js';
import type { SchemaValue } from '../../netlink/message.js';
import { changeObject, dumpObjects } from '../common/requests.js';
import { IfaFlags, RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR, addrMessage } from '../generated/addr.js';
import type { LinkRef, Links } from '../link/links.js';
import { ipv4Broadcast, parsePrefix } from '../common/prefix.js';

/** An address flag by name (`nodad`, `noprefixroute`, `managetempaddr`, ...). */
export type AddressFlag = keyof typeof IfaFlags;

/** What {@link Addresses.add} assigns. */
export interface AddressSpec {
  /** The link that gets the address. */
  link: LinkRef;
  /** The address with its prefix length, such as `192.0.2.1/24` or `2001:db8::1/64`. */
  address: string;
  /** For a point-to-point address: the peer's address (and prefix), like `ip addr add ... peer`. */
  peer?: string;
  /** IPv4 broadcast address, or `true` to compute it from the prefix (`broadcast +`). */
  broadcast?: string | true;
  /** IPv4 label, such as `eth0:1` (must start with the link's name). */
  label?: string;
  /** Scope; default as ip: `host` for 127.0.0.0/8, else `universe` (global). */
  scope?: 'universe' | 'site' | 'link' | 'host' | number;
  /** Flags such as `nodad`, `noprefixroute`, `managetempaddr`, `optimistic`, `mcautojoin`. */
  flags?: AddressFlag[];
  /** Valid lifetime in seconds (default forever). */
  validLifetime?: number;
  /** Preferred lifetime in seconds (default forever; at most the valid lifetime). */
  preferredLifetime?: number;
  /** Metric of the prefix route the kernel adds (IFA_RT_PRIORITY). */
  metric?: number;
}

const FOREVER = 0xffffffff;

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

  /**
   * Adds an address, like `ip addr add`.
   * @throws {@link InvalidArgumentError} for a malformed address or option, before sending.
   * @throws {@link NetlinkError} `EEXIST` when the link already has it.
   */
  async add(spec: AddressSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, addrMessage, await this.message(spec), undefined, opts);
  }

  /** Adds an address or updates it if the link has it already, like `ip addr replace`. */
  async replace(spec: AddressSpec, opts?: RequestOptions): Promise<void> {
    await changeObject(this.conn, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, addrMessage, await this.message(spec), undefined, opts);
  }

  /**
   * Removes an address, like `ip addr del`.
   * @throws {@link NetlinkError} `EADDRNOTAVAIL` when the link does not have it.
   */
  async delete(spec: Pick<AddressSpec, 'link' | 'address' | 'peer'>, opts?: RequestOptions): Promise<void> {
    const p = parsePrefix(spec.address, 'address');
    const msg = { family: p.family, prefixlen: p.length, ifaFlags: [], scope: 0, index: await this.links.indexOf(spec.link), local: p.address } as Partial<Address>;
    msg.address = spec.peer !== undefined ? parsePrefix(spec.peer, 'peer').address : p.address;
    await changeObject(this.conn, RTM_DELADDR, 0, addrMessage, msg, undefined, opts);
  }

  private async message(spec: AddressSpec): Promise<Partial<Address>> {
    const p = parsePrefix(spec.address, 'address');
    const flags = spec.flags ?? [];
    for (const [i, f] of flags.entries()) {
      if (!Object.hasOwn(IfaFlags, f)) throw new InvalidArgumentError(`flags.${i}`, `unknown address flag ${JSON.stringify(f)}`);
    }
    const low = flags.filter((f) => IfaFlags[f] <= 0x80);
    const msg = {
      family: p.family,
      prefixlen: p.length,
      ifaFlags: low,
      scope: spec.scope ?? (p.family === 'inet' && p.bytes[0] === 127 ? 'host' : 'universe'),
      index: await this.links.indexOf(spec.link),
      local: p.address,
    } as Partial<Address>;
    if (spec.peer !== undefined) {
      const peer = parsePrefix(spec.peer, 'peer');
      if (peer.family !== p.family) throw new InvalidArgumentError('peer', 'the peer is of another address family');
      msg.address = peer.address;
      if (spec.peer.includes('/')) msg.prefixlen = peer.length;
    } else {
      msg.address = p.address;
    }
    if (spec.broadcast !== undefined) {
      if (p.family !== 'inet') throw new InvalidArgumentError('broadcast', 'only IPv4 addresses have a broadcast address');
      msg.broadcast = spec.broadcast === true ? ipv4Broadcast(p) : spec.broadcast;
    }
    if (spec.label !== undefined) {
      if (p.family !== 'inet') throw new InvalidArgumentError('label', 'only IPv4 addresses have labels');
      if (Buffer.byteLength(spec.label) > 15) throw new InvalidArgumentError('label', `${JSON.stringify(spec.label)} is longer than 15 bytes`);
      msg.label = spec.label;
    }
    if (flags.length > 0) msg.flags = flags;
    if (spec.validLifetime !== undefined || spec.preferredLifetime !== undefined) {
      const valid = spec.validLifetime ?? FOREVER;
      const preferred = spec.preferredLifetime ?? valid;
      for (const [field, v] of [['validLifetime', valid], ['preferredLifetime', preferred]] as const) {
        if (!Number.isInteger(v) || v < 0 || v > FOREVER) throw new InvalidArgumentError(field, `${v} is not a number of seconds`);
      }
      if (preferred > valid) throw new InvalidArgumentError('preferredLifetime', 'the preferred lifetime exceeds the valid lifetime');
      msg.cacheinfo = { ifaPrefered: preferred, ifaValid: valid, cstamp: 0, tstamp: 0 };
    }
    if (spec.metric !== undefined) msg.rtPriority = spec.metric;
    return msg;
  }

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
