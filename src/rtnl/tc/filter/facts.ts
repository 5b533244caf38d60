// What the rest of the library knows about filters: the wire message, its types and group, the
// mapping into the model, the dump of every filter, the identity key, the fields that change
// without an event, and the kernel's quirks.

import type { Connection } from '../../../netlink/connection.js';
import type { MessageSchema } from '../../../netlink/message.js';
import type { AttrSpecs, StructMembers } from '../../../netlink/schema/index.js';
import type { KindFacts } from '../../common/facts.js';
import { tcMessage, RTM_DELTFILTER, RTM_GETTCLASS, RTM_GETTFILTER, RTM_NEWTCLASS, RTM_NEWTFILTER } from '../../generated/tc.js';
import { classFromWire } from '../class/mapping.js';
import { parseHandle, TC_H_EGRESS_FILTERS, TC_H_INGRESS_FILTERS } from '../common/handle.js';
import { dumpFlagged, tcHeader, type TcWire } from '../common/wire.js';
import { dumpQdiscs, RTNLGRP_TC } from '../qdisc/facts.js';
import type { Filter } from './model.js';
import { filterFromWire } from './mapping.js';

/**
 * The identity of a filter: interface, parent, chain, priority, protocol and handle (the entry
 * of a priority has no handle).
 */
export function filterKey(f: Pick<Filter, 'link' | 'parent' | 'chain' | 'priority' | 'protocol' | 'handle'>): string {
  return `${f.link}|${f.parent}|${f.chain}|${f.priority}|${f.protocol}|${f.handle ?? ''}`;
}

/**
 * Dumps every filter of every interface into the model. The kernel lists the filters of one
 * interface and parent at a time: every qdisc (both hooks of a clsact qdisc) and every class is
 * asked.
 */
export async function dumpFilters(conn: Connection): Promise<{ items: Filter[]; interrupted: boolean }> {
  const qdiscs = await dumpQdiscs(conn);
  let interrupted = qdiscs.interrupted;
  const parents = new Map<number, number[]>();
  for (const q of qdiscs.items) {
    let list = parents.get(q.link);
    if (list === undefined) parents.set(q.link, (list = []));
    if (q.kind === 'clsact') list.push(TC_H_INGRESS_FILTERS, TC_H_EGRESS_FILTERS);
    else if (q.handle !== '0:') list.push(parseHandle(q.handle, 'handle'));
  }
  const items: Filter[] = [];
  for (const [link, list] of parents) {
    if (list.length === 0) continue;
    const classes = await dumpFlagged(conn, RTM_GETTCLASS, RTM_NEWTCLASS, tcHeader(link, 0, 0), classFromWire);
    interrupted ||= classes.interrupted;
    for (const c of classes.items) list.push(parseHandle(c.handle, 'handle'));
    for (const parent of list) {
      const res = await dumpFlagged(conn, RTM_GETTFILTER, RTM_NEWTFILTER, tcHeader(link, 0, parent), filterFromWire);
      items.push(...res.items);
      interrupted ||= res.interrupted;
    }
  }
  return { items, interrupted };
}

/** The facts of the filter kind. @internal */
export const filterFacts: KindFacts<Filter, TcWire> & { readonly getType: number; readonly group: number } = {
  schema: tcMessage as unknown as MessageSchema<StructMembers, AttrSpecs>,
  newType: RTM_NEWTFILTER,
  delType: RTM_DELTFILTER,
  getType: RTM_GETTFILTER,
  group: RTNLGRP_TC,
  fromWire: filterFromWire,
  dump: dumpFilters,
  key: filterKey,
  /** The counters and timestamps of actions change without an event; so does the offload state. */
  volatile: { options: { actions: { stats: true, installed: true, lastUsed: true, firstUsed: true }, inHw: true } },
  kind: () => true,
  announced: () => true,
  /**
   * The kernel lists filters per interface and parent (a dump without a parent lists the root
   * qdisc's). The first filter of a priority creates the priority's entry (and, for u32, its hash
   * table 800:) without an event of their own; deleting the entry of a priority (no handle) or a
   * whole chain (priority 0) deletes its filters with that one event; the last filter of a kind
   * other than u32 takes its priority with it. A u32 filter's priority keeps its hash table 800:
   * until the priority is deleted. Changing or replacing an existing u32 filter keeps its matches
   * (the kernel copies the old selector): to change them, delete the filter and add it again.
   * Kinds this kernel lacks are refused with ENOENT "TC classifier not found", actions it lacks
   * with "Failed to load TC action module".
   */
  silentChanges: (f, del, has) => {
    if (del) return f.handle === undefined || f.kind !== 'u32' ? ['filter'] : [];
    return f.handle !== undefined && !has(filterKey({ ...f, handle: undefined })) ? ['filter'] : [];
  },
  /** A link's filters go with it without RTM_DELTFILTER. */
  goWithLink: true,
};
