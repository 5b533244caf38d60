// Which schema decodes which message type: used for error paths (extended-ACK offsets), events
// and capture decoding.

import type { MessageSchema } from '../netlink/message.js';
import type { AttrSpecs, StructMembers } from '../netlink/schema/index.js';
import { addrMessage } from './generated/addr.js';
import { linkMessage } from './generated/link.js';
import { neighMessage } from './generated/neigh.js';
import { routeMessage } from './generated/route.js';
import { ruleMessage } from './generated/rule.js';
import { nexthopMessage } from './nexthop/wire.js';
import { nsidMessage } from './nsid/wire.js';
import { FAMILY_MESSAGE_TYPES as T } from './schemas/types.js';

export { RTM_TYPE_NAMES } from './schemas/types.js';

type AnySchema = MessageSchema<StructMembers, AttrSpecs>;

const byType = new Map<number, AnySchema>();
function register(schema: unknown, ...types: number[]): void {
  for (const t of types) byType.set(t, schema as AnySchema);
}
register(linkMessage, ...T.link);
register(addrMessage, ...T.address);
register(routeMessage, ...T.route);
register(neighMessage, ...T.neigh);
register(ruleMessage, ...T.rule);
register(nexthopMessage, ...T.nexthop);
register(nsidMessage, ...T.nsid);

/** The schema of the messages of type `type` (RTM_*), if this library knows it. */
export function schemaForType(type: number): AnySchema | undefined {
  return byType.get(type);
}
