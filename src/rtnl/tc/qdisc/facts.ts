// What the rest of the library knows about qdiscs: the wire message, its types and group, the
// mapping into the model, the dump of every qdisc, the identity key, the fields that change
// without an event, and the kernel's quirks (what it changes without telling).

import type { Connection } from '../../../netlink/connection.js';
import type { MessageSchema } from '../../../netlink/message.js';
import type { AttrSpecs, StructMembers } from '../../../netlink/schema/index.js';
import type { KindFacts } from '../../common/facts.js';
import { tcMessage, RTM_DELQDISC, RTM_GETQDISC, RTM_NEWQDISC } from '../../generated/tc.js';
import { dumpFlagged, tcHeader, type TcWire } from '../common/wire.js';
import type { Qdisc } from './model.js';
import { qdiscFromWire } from './mapping.js';

/** RTNLGRP_TC: the multicast group of qdiscs, classes and filters. */
export const RTNLGRP_TC = 4;

/**
 * The identity of a qdisc: its interface, handle and parent (the kernel's default qdiscs all have
 * handle 0: and differ by parent on multi-queue devices).
 */
export function qdiscKey(q: Pick<Qdisc, 'link' | 'handle' | 'parent'>): string {
  return `${q.link}|${q.handle}|${q.parent}`;
}

/** Dumps every qdisc of every interface (the kernel's default ones included) into the model. */
export function dumpQdiscs(conn: Connection): Promise<{ items: Qdisc[]; interrupted: boolean }> {
  return dumpFlagged(conn, RTM_GETQDISC, RTM_NEWQDISC, tcHeader(0, 0, 0), qdiscFromWire);
}

/** The facts of the qdisc kind. @internal */
export const qdiscFacts: KindFacts<Qdisc, TcWire> & { readonly getType: number; readonly group: number } = {
  schema: tcMessage as unknown as MessageSchema<StructMembers, AttrSpecs>,
  /** RTM_NEWQDISC: created, changed, or listed. */
  newType: RTM_NEWQDISC,
  delType: RTM_DELQDISC,
  getType: RTM_GETQDISC,
  group: RTNLGRP_TC,
  fromWire: qdiscFromWire,
  dump: dumpQdiscs,
  key: qdiscKey,
  /** Counters and the reference count change without an event. */
  volatile: { stats: true, xstats: true, refcount: true, options: { directPackets: true } },
  kind: () => true,
  /**
   * The kernel attaches its default qdiscs (handle 0:, such as noqueue, pfifo_fast or mq children)
   * when a link comes up or a qdisc is deleted, without an event: they are not part of a watched
   * view (it announces their deletion when a qdisc replaces one). Deleting a qdisc the kernel made
   * by default answers ENOENT.
   */
  announced: (q) => q.handle !== '0:',
  /**
   * Deleting a qdisc removes its classes, their qdiscs and the filters of them all without events;
   * a new qdisc may come with classes of its own (tbf's 1:1) and takes a class's place as its leaf
   * (the class's `leaf`), without class events.
   */
  silentChanges: (_q, del) => (del ? ['qdisc', 'class', 'filter'] : ['class']),
  /** A link's qdiscs go with it without RTM_DELQDISC. */
  goWithLink: true,
};
