// What the rest of the library knows about traffic classes: the wire message, its types and
// group, the mapping into the model, the identity key, the fields that change without an event,
// and the kernel's quirks.

import { tcMessage, RTM_DELTCLASS, RTM_GETTCLASS, RTM_NEWTCLASS } from '../../generated/tc.js';
import type { TrafficClass } from './model.js';
import { classFromWire } from './mapping.js';

/** The identity of a class: its interface and class id (a class id is unique on its interface). */
export function classKey(c: Pick<TrafficClass, 'link' | 'handle'>): string {
  return `${c.link}|${c.handle}`;
}

/** The facts of the class kind. */
export const classFacts = {
  /** The message schema (struct tcmsg + TCA_*). */
  schema: tcMessage,
  /** RTM_NEWTCLASS: created, changed, or listed. */
  newType: RTM_NEWTCLASS,
  /** RTM_DELTCLASS. */
  delType: RTM_DELTCLASS,
  /** RTM_GETTCLASS. */
  getType: RTM_GETTCLASS,
  /** RTNLGRP_TC. */
  group: 4,
  /** The mapping into the model. */
  fromWire: classFromWire,
  /** The identity key. */
  key: classKey,
  /**
   * Counters change without an event; so do an htb class's level (when a child is added or
   * removed) and its quantum when computed from the rate, and `leaf` when a qdisc is attached
   * under it (that is announced as a qdisc).
   */
  volatile: { stats: true, xstats: true, leaf: true, options: { level: true } },
  /**
   * The kernel lists classes only per interface (a class dump needs an interface index). Deleting
   * a qdisc removes its classes with one RTM_DELQDISC and no class event. htb puts a new class
   * whose parent class does not exist at the root of its qdisc, without an error.
   */
  perLink: true,
} as const;
