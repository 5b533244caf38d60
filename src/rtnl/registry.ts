// Which schema decodes which message type: used for error paths (extended-ACK offsets), events
// and capture decoding.

import type { MessageSchema } from '../netlink/message.js';
import type { AttrSpecs, StructMembers } from '../netlink/schema/index.js';
import { RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR, addrMessage } from './generated/addr.js';
import { RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK, RTM_SETLINK, linkMessage } from './generated/link.js';
import { RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH, neighMessage } from './generated/neigh.js';
import { RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE, routeMessage } from './generated/route.js';
import { RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE, ruleMessage } from './generated/rule.js';
import { RTM_DELNEXTHOP, RTM_GETNEXTHOP, RTM_NEWNEXTHOP, nexthopMessage } from './nexthop/wire.js';
import { RTM_DELNSID, RTM_GETNSID, RTM_NEWNSID, nsidMessage } from './nsid/wire.js';

export { RTM_TYPE_NAMES } from './schemas/types.js';

type AnySchema = MessageSchema<StructMembers, AttrSpecs>;

const byType = new Map<number, AnySchema>();
function register(schema: unknown, ...types: number[]): void {
  for (const t of types) byType.set(t, schema as AnySchema);
}
// RTM_NEWLINKPROP / RTM_DELLINKPROP (108, 109) carry link messages too.
register(linkMessage, RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK, 108, 109);
register(addrMessage, RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR);
register(routeMessage, RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE);
register(neighMessage, RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH);
register(ruleMessage, RTM_NEWRULE, RTM_DELRULE, RTM_GETRULE);
register(nexthopMessage, RTM_NEWNEXTHOP, RTM_DELNEXTHOP, RTM_GETNEXTHOP);
register(nsidMessage, RTM_NEWNSID, RTM_DELNSID, RTM_GETNSID);

/** The schema of the messages of type `type` (RTM_*), if this library knows it. */
export function schemaForType(type: number): AnySchema | undefined {
  return byType.get(type);
}
