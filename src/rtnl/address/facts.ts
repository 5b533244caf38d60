// What the registry and the events know about addresses, on the model's fields.

import type { Connection } from '../../netlink/connection.js';
import type { AttrSpecs, StructMembers } from '../../netlink/schema/index.js';
import type { MessageSchema } from '../../netlink/message.js';
import { dumpObjects } from '../common/requests.js';
import type { KindFacts } from '../common/facts.js';
import { RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR, addrMessage } from '../generated/addr.js';
import { addressFromWire, type AddressMessage } from './mapping.js';
import { addressKey, type Address } from './model.js';

/** Dumps every address of the namespace into the model. */
export async function dumpAddresses(conn: Connection): Promise<{ items: Address[]; interrupted: boolean }> {
  const query: Partial<AddressMessage> = { family: 'unspec', prefixlen: 0, ifaFlags: [], scope: 0, index: 0 };
  const res = await dumpObjects(conn, RTM_GETADDR, RTM_NEWADDR, addrMessage, query, { dumpInterrupted: 'flag' }, addressFromWire);
  return { items: res.items, interrupted: res.interrupted };
}

/** The facts of addresses. @internal */
export const addressFacts: KindFacts<Address, AddressMessage> = {
  newType: RTM_NEWADDR,
  delType: RTM_DELADDR,
  schema: addrMessage as unknown as MessageSchema<StructMembers, AttrSpecs>,
  fromWire: addressFromWire,
  dump: dumpAddresses,
  key: addressKey,
  // The remaining lifetimes count down without events.
  volatile: { validLifetime: true, preferredLifetime: true },
  kind: (a, groups) => (a.family === 'inet' && groups.has('ipv4-ifaddr')) || (a.family === 'inet6' && groups.has('ipv6-ifaddr')),
  // IPv6 addresses in duplicate address detection are announced only when it ends.
  announced: (a) => !a.flags.includes('tentative'),
};
