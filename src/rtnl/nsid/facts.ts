// What the registry and the events know about nsids, on the model's fields.

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import type { MessageSchema } from '../../netlink/message.js';
import type { AttrSpecs, StructMembers } from '../../netlink/schema/index.js';
import type { KindFacts } from '../common/facts.js';
import { dumpObjects } from '../common/requests.js';
import { nsidFromWire, type NsidMessage } from './mapping.js';
import { nsidKey, type Nsid } from './model.js';
import { NETNSA_NSID_NOT_ASSIGNED, RTM_DELNSID, RTM_GETNSID, RTM_NEWNSID, nsidMessage } from './wire.js';

/** Dumps the ids this namespace has assigned, into the model (without names). */
export async function dumpNsids(conn: Connection, opts?: RequestOptions): Promise<{ items: Nsid[]; interrupted: boolean }> {
  const query: Partial<NsidMessage> = { family: 'unspec' };
  const res = await dumpObjects(conn, RTM_GETNSID, RTM_NEWNSID, nsidMessage, query, opts, (w) =>
    w.nsid === undefined || w.nsid === NETNSA_NSID_NOT_ASSIGNED ? undefined : nsidFromWire(w),
  );
  return { items: res.items, interrupted: res.interrupted };
}

/** The facts of nsids. @internal */
export const nsidFacts: KindFacts<Nsid, NsidMessage> = {
  newType: RTM_NEWNSID,
  delType: RTM_DELNSID,
  schema: nsidMessage as unknown as MessageSchema<StructMembers, AttrSpecs>,
  fromWire: nsidFromWire,
  dump: (conn) => dumpNsids(conn, { dumpInterrupted: 'flag' }),
  key: nsidKey,
  volatile: {},
  kind: () => true,
  announced: () => true,
};
