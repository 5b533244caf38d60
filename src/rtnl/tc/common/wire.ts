// What the tc kinds (qdiscs, classes, filters) share on the wire: the message, its value type,
// the requests (dumps mapped straight into the model, gets, changes with an echo), and the interface
// a spec names.

import type { Connection, RequestOptions } from '../../../netlink/connection.js';
import type { SchemaValue } from '../../../netlink/message.js';
import { InvalidArgumentError } from '../../../netlink/errors.js';
import type { LinkRef, Links } from '../../link/links.js';
import { checkObject } from '../../common/model.js';
import { dumpObjects } from '../../common/requests.js';
import { tcMessage } from '../../generated/tc.js';

/** A tc message as the codec decodes it (struct tcmsg and the TCA_* attributes). */
export type TcWire = SchemaValue<typeof tcMessage>;

/** The tcmsg header of a request: family 0 and the given fields. */
export function tcHeader(ifindex: number, handle: number, parent: number, info = 0): TcWire {
  return { family: 0, ifindex, handle, parent, info };
}

/**
 * Dumps `requestType` and maps each `replyType` message into the model at once (no array of wire
 * messages in between); `keep` drops what a filter the kernel does not apply leaves out.
 */
export async function dumpMapped<T>(
  conn: Connection,
  requestType: number,
  replyType: number,
  query: TcWire,
  map: (w: TcWire) => T,
  keep: (o: T) => boolean,
  opts?: RequestOptions,
): Promise<T[]> {
  const keepMapped = (w: TcWire): T | undefined => {
    const o = map(w);
    return keep(o) ? o : undefined;
  };
  return (await dumpObjects(conn, requestType, replyType, tcMessage, query, opts, keepMapped)).items;
}

/**
 * Dumps like {@link dumpMapped}, for the event views: an interrupted dump (NLM_F_DUMP_INTR) is
 * returned flagged rather than retried.
 */
export async function dumpFlagged<T>(conn: Connection, requestType: number, replyType: number, query: TcWire, map: (w: TcWire) => T): Promise<{ items: T[]; interrupted: boolean }> {
  const res = await dumpObjects(conn, requestType, replyType, tcMessage, query, { dumpInterrupted: 'flag' }, map);
  return { items: res.items, interrupted: res.interrupted };
}

/** Sends a request and returns the first `replyType` message of the answer (a get, or a change's echo). */
export async function requestTc(conn: Connection, type: number, flags: number, msg: TcWire, replyType: number | undefined, opts?: RequestOptions): Promise<TcWire | undefined> {
  let found: TcWire | undefined;
  await conn.request(
    { type, flags, body: (w) => tcMessage.encode(w, msg) },
    replyType === undefined
      ? undefined
      : (r, m) => {
          if (m.type === replyType && found === undefined) found = tcMessage.decode(r, m.payloadOffset, m.end);
        },
    opts,
  );
  return found;
}

/**
 * The interface of a qdisc, class or filter spec (`what`) as an index; a missing one fails as the
 * user's request (`type`), naming it.
 */
export async function tcLinkIndex(links: Links, spec: { link?: LinkRef }, what: 'qdisc' | 'class' | 'filter', type: number): Promise<number> {
  checkObject(spec as unknown, what, `a ${what} spec`);
  if (spec.link === undefined) throw new InvalidArgumentError('link', 'name the interface (index or name)');
  return links.resolve(spec.link, type);
}
