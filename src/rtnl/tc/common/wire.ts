// What the tc kinds (qdiscs, classes, filters) share on the wire: the message, its value type,
// and the requests (dumps mapped straight into the model, gets, changes with an echo).

import type { Connection, RequestOptions } from '../../../netlink/connection.js';
import type { SchemaValue } from '../../../netlink/message.js';
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

