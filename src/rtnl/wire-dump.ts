// The exact messages behind the model: a dump decoded by a wire schema only, for users who need
// every attribute as the kernel sent it (unknown ones included) or its bytes. The model objects
// that `list()` returns are mapped from these same messages by each kind's `xFromWire`.

import type { RequestOptions } from '../netlink/connection.js';
import { InvalidArgumentError } from '../netlink/errors.js';
import type { MessageSchema, MessageValue } from '../netlink/message.js';
import type { AttrSpecs, StructMembers } from '../netlink/schema/index.js';
import { dumpObjects } from './common/requests.js';
import { schemaForType } from './registry.js';
import type { Rtnl } from './rtnl.js';

/**
 * Dumps with request type `requestType` (an `RTM_GET*`) and returns the kernel's replies decoded
 * by `schema` (for instance `routeMessage` for `RTM_GETROUTE`), nothing mapped: the exact wire
 * messages, unknown attributes kept so that `schema.toBytes` gives the kernel's bytes back.
 * `query` is the request's header and filter attributes, as `schema` spells them.
 *
 * @example
 * ```ts
 * import { dumpWire, routeMessage, routeFromWire } from 'rtnetlink/wire';
 * const wire = await dumpWire(rtnl, routeMessage, 26, { family: 2 }); // RTM_GETROUTE, IPv4
 * const models = wire.map(routeFromWire); // what rtnl.routes.list() returns, minus its filters
 * ```
 */
export async function dumpWire<H extends StructMembers, A extends AttrSpecs>(
  rtnl: Rtnl,
  schema: MessageSchema<H, A>,
  requestType: number,
  query: Partial<MessageValue<H, A>> = {},
  opts?: RequestOptions,
): Promise<MessageValue<H, A>[]> {
  // Every rtnetlink family numbers NEW, DEL, GET consecutively: the reply of GET is NEW.
  if (!Number.isInteger(requestType) || requestType % 4 !== 2 || (schemaForType(requestType) ?? schema) !== schema) {
    throw new InvalidArgumentError('requestType', `must be the RTM_GET* type of this schema's messages, got ${String(requestType)}`);
  }
  const res = await dumpObjects(rtnl.connection, requestType, requestType - 2, schema, query, opts);
  return res.items;
}
