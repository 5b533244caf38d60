// What the library knows about links as a kind of object, for the operations, the registry and the
// events: the wire schema and message types, the mapping into the model, the identity key, the
// fields that change without an event, which messages are links of their own, and the dump that
// decodes straight into the model. Kernel quirk the events handle: a veth is announced before its
// peer exists, with `link` 0, and is not announced again once the peer has an index.

import type { Connection, RequestOptions } from '../../netlink/connection.js';
import type { Reader } from '../../netlink/bytes.js';
import type { MessageSchema } from '../../netlink/message.js';
import { decodeContext, type AttrSpecs, type DecodeContext, type StructMembers } from '../../netlink/schema/index.js';
import type { KindFacts } from '../common/facts.js';
import { RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK, linkMessage } from '../generated/link.js';
import { linkFromBytes, linkFromWire, linkToWire, type LinkWire, type ResolvedLink } from './mapping.js';
import { linkKey, type Link } from './model.js';

/** The result of a link dump: the links, and how the dump went. */
export interface LinkDump {
  /** The links, in the kernel's order. */
  items: Link[];
  /** True when the kernel applied the filter itself (NLM_F_DUMP_FILTERED). */
  kernelFiltered: boolean;
  /** True when the dump was flagged inconsistent and returned anyway (policy `flag`). */
  interrupted: boolean;
}

/**
 * Dumps links matching `query` (a link with the fields the kernel filters on in strict mode:
 * `master`, `kind`), decoding each message straight into the model.
 */
export async function dumpLinks(conn: Connection, query: ResolvedLink, opts?: RequestOptions): Promise<LinkDump> {
  const request = linkToWire(query);
  const res = await conn.dump(
    { type: RTM_GETLINK, body: (w) => linkMessage.encode(w, request) },
    () => {
      const items: Link[] = [];
      const ctx = decodeContext();
      return {
        onMessage: (r, m) => {
          if (m.type === RTM_NEWLINK) items.push(linkFromBytes(r, m.payloadOffset, m.end, ctx));
        },
        result: () => items,
      };
    },
    opts,
  );
  return { items: res.result, kernelFiltered: res.filtered, interrupted: res.interrupted };
}

/** Decodes the payload of a link message (RTM_NEWLINK, RTM_DELLINK) into the model. */
export function decodeLink(r: Reader, off: number, end: number, ctx: DecodeContext = decodeContext()): Link {
  return linkFromBytes(r, off, end, ctx);
}

/** Dumps every link of the namespace into the model; an interrupted dump is returned flagged. */
export async function dumpAllLinks(conn: Connection): Promise<{ items: Link[]; interrupted: boolean }> {
  const res = await dumpLinks(conn, {}, { dumpInterrupted: 'flag' });
  return { items: res.items, interrupted: res.interrupted };
}

/**
 * Whether a message describes a link of its own: not the bridge-family message about a bridge
 * port (RTM_NEWLINK/DELLINK of family AF_BRIDGE), whose `family` is set.
 */
export function isLink(link: Link): boolean {
  return link.family === undefined;
}

/** The facts of links. @internal */
export const linkFacts: KindFacts<Link, LinkWire> = {
  newType: RTM_NEWLINK,
  delType: RTM_DELLINK,
  schema: linkMessage as unknown as MessageSchema<StructMembers, AttrSpecs>,
  fromWire: linkFromWire,
  dump: dumpAllLinks,
  key: linkKey,
  // Fields that change without an event: counters, per-family settings (sysctls, IPv6 autoconf
  // state), the offload limits a bridge recomputes from its ports, bridge and bridge-port timers,
  // the number of addresses a bridge has learned (learning makes neighbour events, not link events).
  volatile: {
    stats: true,
    afSpec: { inet: true, inet6: true },
    tsoMaxSize: true,
    tsoMaxSegs: true,
    gsoMaxSize: true,
    gsoMaxSegs: true,
    groMaxSize: true,
    gsoIpv4MaxSize: true,
    groIpv4MaxSize: true,
    data: { helloTimer: true, tcnTimer: true, topologyChangeTimer: true, gcTimer: true, fdbNLearned: true },
    port: { data: { messageAgeTimer: true, forwardDelayTimer: true, holdTimer: true } },
  },
  // The bridge-family view of a bridge port is not a link of its own.
  kind: isLink,
  announced: () => true,
};
