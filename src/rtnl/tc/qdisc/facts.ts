// What the rest of the library knows about qdiscs: the wire message, its types and group, the
// mapping into the model, the identity key, the fields that change without an event, and the
// kernel's quirks.

import { tcMessage, RTM_DELQDISC, RTM_GETQDISC, RTM_NEWQDISC } from '../../generated/tc.js';
import type { Qdisc } from './model.js';
import { qdiscFromWire } from './mapping.js';

/**
 * The identity of a qdisc: its interface, handle and parent (the kernel's default qdiscs all have
 * handle 0: and differ by parent on multi-queue devices).
 */
export function qdiscKey(q: Pick<Qdisc, 'link' | 'handle' | 'parent'>): string {
  return `${q.link}|${q.handle}|${q.parent}`;
}

/** The facts of the qdisc kind. */
export const qdiscFacts = {
  /** The message schema (struct tcmsg + TCA_*). */
  schema: tcMessage,
  /** RTM_NEWQDISC: created, changed, or listed. */
  newType: RTM_NEWQDISC,
  /** RTM_DELQDISC. */
  delType: RTM_DELQDISC,
  /** RTM_GETQDISC. */
  getType: RTM_GETQDISC,
  /** RTNLGRP_TC. */
  group: 4,
  /** The mapping into the model. */
  fromWire: qdiscFromWire,
  /** The identity key. */
  key: qdiscKey,
  /** Counters and the reference count change without an event. */
  volatile: { stats: true, xstats: true, refcount: true, options: { directPackets: true } },
  /**
   * The kernel attaches its default qdiscs (handle 0:, such as noqueue, pfifo_fast or mq children)
   * when a link comes up, without an event: they are not part of a watched view. Deleting a qdisc
   * the kernel made by default answers ENOENT.
   */
  announced: (q: Qdisc): boolean => q.handle !== '0:',
} as const;
