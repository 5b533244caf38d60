// What the registry and the events know about routes, on the model's fields: the wire schema and
// message types, the mapping into the model, the dump of every route, the identity key, the
// volatile fields, and which routes a tracked view holds.

import type { Connection } from '../../netlink/connection.js';
import type { MessageSchema } from '../../netlink/message.js';
import type { AttrSpecs, StructMembers } from '../../netlink/schema/index.js';
import type { KindFacts } from '../common/facts.js';
import { dumpDecoded } from '../common/requests.js';
import { RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE, routeMessage } from '../generated/route.js';
import { routeFromBytes, routeFromWire, type RouteWire } from './mapping.js';
import { routeKey, type Route } from './model.js';

/** Dumps every route of every table and family (a request header of zeros: no filter) into the model. */
export async function dumpRoutes(conn: Connection): Promise<{ items: Route[]; interrupted: boolean }> {
  const query: Partial<RouteWire> = { family: 'unspec', dstLen: 0, srcLen: 0, tos: 0, rtmTable: 0, protocol: 0, scope: 0, type: 0, flags: [] };
  const res = await dumpDecoded(conn, RTM_GETROUTE, RTM_NEWROUTE, routeMessage, query, routeFromBytes, { dumpInterrupted: 'flag' });
  return { items: res.items, interrupted: res.interrupted };
}

/** The facts of routes. @internal */
export const routeFacts: KindFacts<Route, RouteWire> = {
  newType: RTM_NEWROUTE,
  delType: RTM_DELROUTE,
  schema: routeMessage as unknown as MessageSchema<StructMembers, AttrSpecs>,
  fromWire: routeFromWire,
  dump: dumpRoutes,
  // The path (oif, gateway) is part of the identity: IPv6 keeps one route per device for the same
  // prefix and metric (fe80::/64 on every link), and IPv4 allows them with NLM_F_APPEND.
  key: routeKey,
  // The kernel sets and clears RTNH_F_LINKDOWN / RTNH_F_DEAD on routes (and on multipath paths)
  // as links lose and regain carrier, without a route event: they follow the link's state.
  // `expires` counts down.
  volatile: { expires: true, flags: true, nexthops: true },
  // Cached (cloned) routes are not in a dump; neither are multicast or MPLS routes in these groups.
  kind: (r, groups) => ((r.family === 'inet' && groups.has('ipv4-route')) || (r.family === 'inet6' && groups.has('ipv6-route'))) && !r.flags.includes('cloned'),
  announced: () => true,
};
