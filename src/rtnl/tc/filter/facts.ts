// What the rest of the library knows about filters: the wire message, its types and group, the
// mapping into the model, the identity key, the fields that change without an event, and the
// kernel's quirks.

import { tcMessage, RTM_DELTFILTER, RTM_GETTFILTER, RTM_NEWTFILTER } from '../../generated/tc.js';
import type { Filter } from './model.js';
import { filterFromWire } from './mapping.js';

/**
 * The identity of a filter: interface, parent, chain, priority, protocol and handle (the entry
 * of a priority has no handle).
 */
export function filterKey(f: Pick<Filter, 'link' | 'parent' | 'chain' | 'priority' | 'protocol' | 'handle'>): string {
  return `${f.link}|${f.parent}|${f.chain}|${f.priority}|${f.protocol}|${f.handle ?? ''}`;
}

/** The facts of the filter kind. */
export const filterFacts = {
  /** The message schema (struct tcmsg + TCA_*). */
  schema: tcMessage,
  /** RTM_NEWTFILTER: created, changed, or listed. */
  newType: RTM_NEWTFILTER,
  /** RTM_DELTFILTER. */
  delType: RTM_DELTFILTER,
  /** RTM_GETTFILTER. */
  getType: RTM_GETTFILTER,
  /** RTNLGRP_TC. */
  group: 4,
  /** The mapping into the model. */
  fromWire: filterFromWire,
  /** The identity key. */
  key: filterKey,
  /** The counters and timestamps of actions change without an event. */
  volatile: { options: { actions: { stats: true, installed: true, lastUsed: true, firstUsed: true } } },
  /**
   * The kernel lists filters per interface and parent (a dump without a parent lists the root
   * qdisc's). Deleting with priority 0 flushes the whole chain; deleting the entry of a priority
   * (no handle) deletes all its filters. A u32 filter's priority keeps its hash table 800: until
   * the priority is deleted. Changing or replacing an existing u32 filter keeps its matches (the
   * kernel copies the old selector): to change them, delete the filter and add it again. Kinds this kernel lacks are refused with ENOENT "TC classifier not
   * found", actions it lacks with "Failed to load TC action module".
   */
  perParent: true,
} as const;
