// What the registry and the events know about neighbours and FDB entries (both RTM_*NEIGH: an FDB
// entry is a neighbour of family `bridge`), on the models' fields.

import type { Connection } from '../../netlink/connection.js';
import type { MessageSchema } from '../../netlink/message.js';
import type { AttrSpecs, StructMembers } from '../../netlink/schema/index.js';
import type { KindFacts } from '../common/facts.js';
import { dumpObjects } from '../common/requests.js';
import { RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH, neighMessage } from '../generated/neigh.js';
import { fdbFromWire, neighbourFromWire, type NeighbourMessage } from './mapping.js';
import { fdbKey, neighbourKey, type FdbEntry, type Neighbour } from './model.js';

/** The model of any decoded neighbour message: an {@link FdbEntry} for family `bridge`, else a {@link Neighbour}. */
export function neighOrFdbFromWire(w: NeighbourMessage): Neighbour | FdbEntry {
  return w.family === 'bridge' ? fdbFromWire(w) : neighbourFromWire(w);
}

/** The identity of a neighbour or an FDB entry. */
export function neighOrFdbKey(o: Neighbour | FdbEntry): string {
  return o.family === 'bridge' ? fdbKey(o) : neighbourKey(o);
}

const FLAG = { dumpInterrupted: 'flag' } as const;

/** Dumps the neighbour tables (IPv4, IPv6) and the bridge FDB of the namespace into the models. */
export async function dumpNeighbours(conn: Connection): Promise<{ items: (Neighbour | FdbEntry)[]; interrupted: boolean }> {
  // PF_UNSPEC covers the neighbour tables; the bridge FDB needs its own dump.
  const query = { ifindex: 0, state: [], flags: [], type: 0 } as const;
  const a = await dumpObjects(conn, RTM_GETNEIGH, RTM_NEWNEIGH, neighMessage, { ...query, family: 'unspec', state: [], flags: [] }, FLAG, neighOrFdbFromWire);
  const b = await dumpObjects(conn, RTM_GETNEIGH, RTM_NEWNEIGH, neighMessage, { ...query, family: 'bridge', state: [], flags: [] }, FLAG, neighOrFdbFromWire);
  return { items: [...a.items, ...b.items], interrupted: a.interrupted || b.interrupted };
}

/** Neighbour states the kernel enters without an event: none, incomplete, noarp. */
function unannounced(state: Neighbour['state']): boolean {
  return state === 'none' || state === 'noarp' || state === 'incomplete' || typeof state === 'number';
}

/** The facts of neighbours and FDB entries. @internal */
export const neighFacts: KindFacts<Neighbour | FdbEntry, NeighbourMessage> = {
  newType: RTM_NEWNEIGH,
  delType: RTM_DELNEIGH,
  schema: neighMessage as unknown as MessageSchema<StructMembers, AttrSpecs>,
  fromWire: neighOrFdbFromWire,
  dump: dumpNeighbours,
  key: neighOrFdbKey,
  volatile: {},
  // Proxy entries are not in a plain dump. Of the FDB, only the entries of a bridge (NDA_MASTER)
  // that are not its local addresses: the `self` ones mirror device address lists, and a bridge
  // moves a local (`permanent`) entry between a port and itself as ports come and go, both
  // silently. A dynamic entry shows `stale` in a dump shortly before the kernel removes it
  // (announced), without an event of its own.
  kind: (o) => (o.family === 'bridge' ? o.master !== undefined && !o.flags.includes('self') && o.state !== 'permanent' : o.proxy !== true),
  // The kernel creates IPv4/IPv6 entries without telling (multicast and broadcast `noarp` ones,
  // and `incomplete` or state-less ones while it resolves): they join the view once an event
  // reports them in another state.
  announced: (o) => o.family === 'bridge' || !unannounced(o.state),
};
