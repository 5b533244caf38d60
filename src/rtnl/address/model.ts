// The address model: one shape for what list() and events return and what add(), replace() and
// delete() take.

import { InvalidArgumentError } from '../../netlink/errors.js';
import type { IfaFlags, IfaProto } from '../generated/addr.js';
import type { LinkRef } from '../link/links.js';
import { checkKeys, checkObject } from '../common/model.js';
import type { Scope, ScopeInput } from '../common/scope.js';

/** Address families by name. */
export type AddressFamily = 'inet' | 'inet6';

/**
 * An address flag by name (IFA_F_*): `secondary` (also IPv6 `temporary`), `nodad`, `optimistic`,
 * `dadfailed`, `homeaddress`, `deprecated`, `tentative`, `permanent`, `managetempaddr`,
 * `noprefixroute`, `mcautojoin`, `stable-privacy`.
 */
export type AddressFlag = keyof typeof IfaFlags;

/** Who created an address (IFA_PROTO): `kernel_lo`, `kernel_ra`, `kernel_ll`, or a number. */
export type AddressProtocol = keyof typeof IfaProto | number;

/**
 * An IPv4 or IPv6 address of a link, as `ip addr` shows it. What {@link Addresses.list} and the
 * events return; {@link Addresses.add}, {@link Addresses.replace} and {@link Addresses.delete} take
 * it back as it is (see {@link AddressSpec}).
 */
export interface Address {
  /** `inet` (IPv4) or `inet6` (IPv6). */
  family: AddressFamily;
  /** The index of the link that has the address. */
  link: number;
  /**
   * The address with its prefix length, `192.0.2.1/24` or `2001:db8::1/64`. With a {@link peer},
   * the prefix length belongs to the peer and this is the bare local address (`192.0.2.1`), as
   * `ip` prints `inet 192.0.2.1 peer 192.0.2.2/32`.
   */
  address: string;
  /** A point-to-point address's peer, with the prefix length: `192.0.2.2/32`. */
  peer?: string;
  /** The IPv4 broadcast address. */
  broadcast?: string;
  /** The IPv4 label (the link's name, or a name starting with it such as `eth0:1`). */
  label?: string;
  /** The scope: `global`, `site`, `link`, `host`, `nowhere`, or a number. */
  scope: Scope;
  /**
   * Every flag set, by name (all 32 bits of IFA_FLAGS; a bit without a name as its value).
   * `secondary`, `tentative`, `dadfailed`, `deprecated` and `permanent` are the kernel's state:
   * add() passes them on and the kernel sets them as it sees fit.
   */
  flags: (AddressFlag | number)[];
  /**
   * Seconds the address remains valid; absent: forever. What list() returns counts down, so
   * re-adding a listed address keeps what is left of its lifetime.
   */
  validLifetime?: number;
  /** Seconds the address remains preferred (at most {@link validLifetime}); absent: forever. */
  preferredLifetime?: number;
  /** Metric of the prefix route the kernel adds for the address (IFA_RT_PRIORITY). */
  metric?: number;
  /** Who created the address (IFA_PROTO), when someone said: `kernel_ll` for link-local addresses, ... */
  protocol?: AddressProtocol;
}

/**
 * An address to add, replace or delete: the {@link Address} shape, with what the kernel fills in
 * optional and the link by index or name. Every {@link Address} is an AddressSpec.
 */
export interface AddressSpec {
  /** `inet` or `inet6`; when given, it must be the family of {@link address}. */
  family?: AddressFamily;
  /** The link that has (or gets) the address, by index or name. */
  link: LinkRef;
  /**
   * The address with its prefix length (`192.0.2.1/24`); a bare address is a host address (/32,
   * /128). With a {@link peer}, a bare address (the prefix length goes with the peer).
   */
  address: string;
  /** A point-to-point peer with its prefix length (`192.0.2.2/30`; bare: /32 or /128), like `ip addr add ... peer`. */
  peer?: string;
  /** IPv4 broadcast address, or `true` to compute it from the prefix (`broadcast +`). */
  broadcast?: string | true;
  /** IPv4 label, such as `eth0:1` (at most 15 bytes). */
  label?: string;
  /** Scope; default as ip: `host` for 127.0.0.0/8, else `global`. `universe` is the same as `global`. */
  scope?: ScopeInput;
  /** Flags such as `nodad`, `noprefixroute`, `managetempaddr`, `optimistic`, `mcautojoin`. */
  flags?: readonly (AddressFlag | number)[];
  /** Valid lifetime in seconds (absent: forever). */
  validLifetime?: number;
  /** Preferred lifetime in seconds (absent: the valid lifetime; at most the valid lifetime). */
  preferredLifetime?: number;
  /** Metric of the prefix route the kernel adds (IFA_RT_PRIORITY). */
  metric?: number;
  /** Who creates the address (IFA_PROTO). */
  protocol?: AddressProtocol;
}

/** An {@link AddressSpec} whose link is resolved to its index: what the mapping takes. */
export type ResolvedAddressSpec = Omit<AddressSpec, 'link'> & { link: number };

const ADDRESS_KEYS: ReadonlySet<string> = new Set<keyof AddressSpec>([
  'family',
  'link',
  'address',
  'peer',
  'broadcast',
  'label',
  'scope',
  'flags',
  'validLifetime',
  'preferredLifetime',
  'metric',
  'protocol',
]);

/**
 * Checks that `spec` is an object with no key an {@link AddressSpec} does not have.
 * @throws {@link InvalidArgumentError} naming the first unknown key.
 */
export function checkAddressKeys(spec: unknown): asserts spec is AddressSpec {
  checkObject(spec, 'address', '{ link, address, ... }');
  checkKeys(spec, ADDRESS_KEYS);
  if (spec.link === undefined) throw new InvalidArgumentError('link', 'an address needs a link');
}

/**
 * The identity of an address: family, link, address and peer. Two listed addresses with the same
 * key are the same address (the kernel has one of them at a time).
 */
export function addressKey(a: Pick<Address, 'family' | 'link' | 'address' | 'peer'>): string {
  return `${a.family}|${a.link}|${a.address}|${a.peer ?? ''}`;
}
