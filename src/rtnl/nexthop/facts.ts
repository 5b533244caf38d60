// What the registry and the events know about nexthop objects, on the model's fields, and the
// kernel's quirks about them.

import type { Connection } from '../../netlink/connection.js';
import type { MessageSchema } from '../../netlink/message.js';
import type { AttrSpecs, StructMembers } from '../../netlink/schema/index.js';
import type { KindFacts } from '../common/facts.js';
import { dumpObjects } from '../common/requests.js';
import { nexthopFromWire, type NexthopMessage } from './mapping.js';
import { nexthopKey, type Nexthop } from './model.js';
import { RTM_DELNEXTHOP, RTM_GETNEXTHOP, RTM_NEWNEXTHOP, nexthopMessage } from './wire.js';

/**
 * What the kernel takes of a nexthop message in RTM_NEWNEXTHOP: it refuses a non-zero nh_scope,
 * flags other than RTNH_F_ONLINK and the resilient group's unbalanced time, all of which it
 * reports; they are read-only and left out.
 */
export function nexthopRequest(msg: NexthopMessage): NexthopMessage {
  const out: NexthopMessage = { ...msg, scope: 0, flags: msg.flags.includes('onlink') ? ['onlink'] : [] };
  if (msg.resGroup !== undefined) {
    const { unbalancedTime: _readOnly, ...res } = msg.resGroup;
    out.resGroup = res;
  }
  return out;
}

/** Dumps every nexthop object of the namespace into the model. */
export async function dumpNexthops(conn: Connection): Promise<{ items: Nexthop[]; interrupted: boolean }> {
  const query: Partial<NexthopMessage> = { family: 'unspec', scope: 0, protocol: 0, flags: [] };
  const res = await dumpObjects(conn, RTM_GETNEXTHOP, RTM_NEWNEXTHOP, nexthopMessage, query, { dumpInterrupted: 'flag' }, nexthopFromWire);
  return { items: res.items, interrupted: res.interrupted };
}

/** The facts of nexthop objects. @internal */
export const nexthopFacts: KindFacts<Nexthop, NexthopMessage> = {
  newType: RTM_NEWNEXTHOP,
  delType: RTM_DELNEXTHOP,
  schema: nexthopMessage as unknown as MessageSchema<StructMembers, AttrSpecs>,
  fromWire: nexthopFromWire,
  dump: dumpNexthops,
  key: nexthopKey,
  // How long a resilient group has been unbalanced: it grows without events.
  volatile: { resilient: { unbalancedTime: true } },
  kind: () => true,
  announced: () => true,
};
