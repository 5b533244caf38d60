// What the rest of the library knows about traffic classes: the wire message, its types and
// group, the mapping into the model, the dump of every class, the identity key, the fields that
// change without an event, and the kernel's quirks.

import type { Connection } from '../../../netlink/connection.js';
import type { MessageSchema } from '../../../netlink/message.js';
import type { AttrSpecs, StructMembers } from '../../../netlink/schema/index.js';
import type { KindFacts } from '../../common/facts.js';
import { tcMessage, RTM_DELTCLASS, RTM_GETTCLASS, RTM_NEWTCLASS } from '../../generated/tc.js';
import { dumpFlagged, tcHeader, type TcWire } from '../common/wire.js';
import { dumpQdiscs, RTNLGRP_TC } from '../qdisc/facts.js';
import type { TrafficClass } from './model.js';
import { classFromWire } from './mapping.js';

/** The identity of a class: its interface and class id (a class id is unique on its interface). */
export function classKey(c: Pick<TrafficClass, 'link' | 'handle'>): string {
  return `${c.link}|${c.handle}`;
}

/**
 * Dumps every class of every interface into the model. The kernel lists classes one interface at a
 * time: each interface that has a qdisc is asked (one without a qdisc has no class).
 */
export async function dumpClasses(conn: Connection): Promise<{ items: TrafficClass[]; interrupted: boolean }> {
  const qdiscs = await dumpQdiscs(conn);
  let interrupted = qdiscs.interrupted;
  const items: TrafficClass[] = [];
  for (const link of new Set(qdiscs.items.map((q) => q.link))) {
    const res = await dumpFlagged(conn, RTM_GETTCLASS, RTM_NEWTCLASS, tcHeader(link, 0, 0), classFromWire);
    items.push(...res.items);
    interrupted ||= res.interrupted;
  }
  return { items, interrupted };
}

/** The facts of the class kind. @internal */
export const classFacts: KindFacts<TrafficClass, TcWire> & { readonly getType: number; readonly group: number } = {
  schema: tcMessage as unknown as MessageSchema<StructMembers, AttrSpecs>,
  newType: RTM_NEWTCLASS,
  delType: RTM_DELTCLASS,
  getType: RTM_GETTCLASS,
  group: RTNLGRP_TC,
  fromWire: classFromWire,
  dump: dumpClasses,
  key: classKey,
  /**
   * Counters change without an event; so do an htb class's level (when a child is added or
   * removed) and its quantum when computed from the rate, and `leaf` when a qdisc is attached
   * under it (that is announced as a qdisc).
   */
  volatile: { stats: true, xstats: true, leaf: true, options: { level: true } },
  kind: () => true,
  /** The classes of the kernel's default qdiscs (mq's `:1`, ...; major 0) come and go with them, unannounced. */
  announced: (c) => !c.handle.startsWith(':'),
  /**
   * A class added under a class that had a qdisc (its leaf) removes that qdisc without an event;
   * deleting a class removes its qdisc and the filters attached to it without events. (Deleting a
   * qdisc removes its classes with one RTM_DELQDISC and no class event; htb puts a new class
   * whose parent class does not exist at the root of its qdisc, without an error.)
   */
  silentChanges: (c, del) => (del ? ['qdisc', 'filter'] : c.parent !== 'root' ? ['qdisc'] : []),
  /** A link's classes go with it without RTM_DELTCLASS. */
  goWithLink: true,
};
