// What the registry and the event machinery know about routes: the wire schema and message types,
// the mapping into the model, the dump of every route, the identity key and the volatile fields
// (by model names), and which routes a tracked view holds.

import type { Reader } from '../../netlink/bytes.js';
import type { Connection } from '../../netlink/connection.js';
import type { DecodeContext } from '../../netlink/schema/index.js';
import { dumpMapped } from '../common/requests.js';
import { RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE, routeMessage } from '../generated/route.js';
import { routeFromWire, type RouteWire } from './mapping.js';
import { routeBaseKey, routeKey, type Route } from './model.js';

/** The route facts (see `FamilyInfo` in events/families.ts). @internal */
export const ROUTE_FACTS = {
  family: 'route',
  newType: RTM_NEWROUTE,
  delType: RTM_DELROUTE,
  schema: routeMessage,
  /** Decodes one RTM_NEWROUTE / RTM_DELROUTE payload into the model. */
  decode(r: Reader, offset: number, end: number, ctx: DecodeContext): Route {
    return routeFromWire(routeMessage.decode(r, offset, end, ctx));
  },
  /** Every route of every table and family (a request header of zeros: no filter); an interrupted dump is returned flagged. */
  async dump(conn: Connection): Promise<{ items: Route[]; interrupted: boolean }> {
    const query = { family: 'unspec', dstLen: 0, srcLen: 0, tos: 0, rtmTable: 0, protocol: 0, scope: 0, type: 0, flags: [] } as Partial<RouteWire>;
    const res = await dumpMapped(conn, RTM_GETROUTE, RTM_NEWROUTE, routeMessage, query, routeFromWire, { dumpInterrupted: 'flag' });
    return { items: res.items, interrupted: res.interrupted };
  },
  // The path (oif, gateway) is part of the identity: IPv6 keeps one route per device for the same
  // prefix and metric (fe80::/64 on every link), and IPv4 allows them with NLM_F_APPEND.
  key: routeKey,
  /** The identity without the path: what NLM_F_REPLACE replaces. */
  baseKey: routeBaseKey,
  // The kernel sets and clears RTNH_F_LINKDOWN / RTNH_F_DEAD on routes (and on multipath paths)
  // as links lose and regain carrier, without a route event: they follow the link's state.
  // `expires` counts down.
  volatile: { expires: true, flags: true, nexthops: true },
  /** Cached (cloned) routes are not in a dump; neither are multicast or MPLS routes in these groups. */
  kind(o: Route, groups: ReadonlySet<string>): boolean {
    return ((o.family === 'inet' && groups.has('ipv4-route')) || (o.family === 'inet6' && groups.has('ipv6-route'))) && !o.flags.includes('cloned');
  },
  announced(): boolean {
    return true;
  },
} as const;
