// What every rtnetlink family does the same way: dump and decode, get one, send a change and wait
// for its ACK. The typed families (links, addresses, ...) are thin layers over these.

import type { Connection, DumpStream, ObjectStream, RequestOptions } from '../../netlink/connection.js';
import { NLM_F_ECHO } from '../../netlink/constants.js';
import type { Reader } from '../../netlink/bytes.js';
import type { MessageSchema, MessageValue } from '../../netlink/message.js';
import { decodeContext, type AttrSpecs, type DecodeContext, type StructMembers } from '../../netlink/schema/index.js';

/**
 * Decodes a reply message's payload (from `off` to `end`) straight into a kind's model object, or
 * `undefined` to leave the message out: a kind's direct decoder (`routeFromBytes`), which gives
 * what its `fromWire` gives on the wire schema's value, without the wire object in between.
 */
export type PayloadDecoder<T> = (r: Reader, off: number, end: number, ctx: DecodeContext) => T | undefined;

/** The result of a dump that was filtered, by the kernel or, where it could not, here. */
export interface DumpResult<T> {
  /** The objects. */
  items: T[];
  /** True when the kernel applied the filter itself (NLM_F_DUMP_FILTERED). */
  kernelFiltered: boolean;
  /** True when the dump was flagged inconsistent and returned anyway (policy `flag`). */
  interrupted: boolean;
}

/**
 * Dumps all objects of `replyType` matching `query` (a header plus filter attributes the kernel
 * understands in strict mode) and decodes them with `schema`. With `map`, each message is mapped
 * as soon as it is decoded (a kind's `fromWire`: the dump yields model objects in one pass);
 * `map` returning `undefined` leaves the message out.
 */
export async function dumpObjects<H extends StructMembers, A extends AttrSpecs, T = MessageValue<H, A>>(
  conn: Connection,
  requestType: number,
  replyType: number,
  schema: MessageSchema<H, A>,
  query: Partial<MessageValue<H, A>>,
  opts?: RequestOptions,
  map: (wire: MessageValue<H, A>) => T | undefined = (wire) => wire as unknown as T,
): Promise<DumpResult<T>> {
  return dumpDecoded(conn, requestType, replyType, schema, query, (r, off, end, ctx) => map(schema.decode(r, off, end, ctx)), opts);
}

/**
 * Dumps all objects of `replyType` matching `query` (encoded with `schema`) and decodes each reply
 * with `decode` as it arrives, into the result array: one pass, no array of wire objects.
 */
export async function dumpDecoded<H extends StructMembers, A extends AttrSpecs, T>(
  conn: Connection,
  requestType: number,
  replyType: number,
  schema: MessageSchema<H, A>,
  query: Partial<MessageValue<H, A>>,
  decode: PayloadDecoder<T>,
  opts?: RequestOptions,
): Promise<DumpResult<T>> {
  const res = await conn.dump(
    { type: requestType, body: (w) => schema.encode(w, query) },
    () => {
      const items: T[] = [];
      const ctx = decodeContext();
      return {
        onMessage: (r, m) => {
          if (m.type !== replyType) return;
          const o = decode(r, m.payloadOffset, m.end, ctx);
          if (o !== undefined) items.push(o);
        },
        result: () => items,
      };
    },
    opts,
  );
  return { items: res.result, kernelFiltered: res.filtered, interrupted: res.interrupted };
}

/** {@link streamObjects} with a direct decoder (see {@link dumpDecoded}). */
export function streamDecoded<H extends StructMembers, A extends AttrSpecs, T>(
  conn: Connection,
  requestType: number,
  replyType: number,
  schema: MessageSchema<H, A>,
  query: Partial<MessageValue<H, A>>,
  decode: PayloadDecoder<T>,
  opts?: RequestOptions,
  endsWith?: (err: Error) => boolean,
): DumpStream<T> {
  const ctx = decodeContext();
  return conn.stream<T>(
    { type: requestType, body: (w) => schema.encode(w, query) },
    (r, m) => (m.type === replyType ? decode(r, m.payloadOffset, m.end, ctx) : undefined),
    opts,
    endsWith,
  );
}

/**
 * Dumps the objects of `replyType` matching `query` as a stream: each message is decoded with
 * `schema` and passed through `map` (a model mapping, or a filter returning `undefined` to drop the
 * object) when the consumer asks for it; only one datagram's objects are held at a time. An error
 * `endsWith` accepts ends the stream quietly.
 */
export function streamObjects<H extends StructMembers, A extends AttrSpecs, T = MessageValue<H, A>>(
  conn: Connection,
  requestType: number,
  replyType: number,
  schema: MessageSchema<H, A>,
  query: Partial<MessageValue<H, A>>,
  opts?: RequestOptions,
  map: (wire: MessageValue<H, A>) => T | undefined = (wire) => wire as unknown as T,
  endsWith?: (err: Error) => boolean,
): DumpStream<T> {
  const ctx = decodeContext();
  return conn.stream<T>(
    { type: requestType, body: (w) => schema.encode(w, query) },
    (r, m) => (m.type === replyType ? map(schema.decode(r, m.payloadOffset, m.end, ctx)) : undefined),
    opts,
    endsWith,
  );
}

/**
 * A stream whose dump can only be made after some asynchronous preparation (resolving an
 * interface name in a filter): `open` runs on the first `next()` (or the first batch), and every
 * later call goes straight to the dump stream, with no extra promise per object.
 */
export function lazyStream<T>(open: () => Promise<DumpStream<T>>): ObjectStream<T> {
  let inner: DumpStream<T> | undefined;
  let opening: Promise<DumpStream<T>> | undefined;
  const opened = (): Promise<DumpStream<T>> => (opening ??= open().then((s) => (inner = s)));
  const end = async (): Promise<IteratorResult<T>> => {
    if (inner === undefined && opening !== undefined) await opening.catch(() => undefined);
    if (inner !== undefined) return inner.return();
    return { value: undefined, done: true };
  };
  const it: ObjectStream<T> = {
    next(): Promise<IteratorResult<T>> {
      if (inner !== undefined) return inner.next();
      return opened().then((s) => s.next());
    },
    return: end,
    batches(): AsyncIterableIterator<T[]> {
      let batches: AsyncIterableIterator<T[]> | undefined;
      const b: AsyncIterableIterator<T[]> = {
        next(): Promise<IteratorResult<T[]>> {
          if (batches !== undefined) return batches.next();
          return opened().then((s) => (batches ??= s.batches()).next());
        },
        async return(): Promise<IteratorResult<T[]>> {
          await end();
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]() {
          return b;
        },
      };
      return b;
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}

/** Sends a GET for one object and returns the decoded reply (the kernel answers ENODEV/ENOENT if none). */
export async function getObject<H extends StructMembers, A extends AttrSpecs>(
  conn: Connection,
  requestType: number,
  replyType: number,
  schema: MessageSchema<H, A>,
  query: Partial<MessageValue<H, A>>,
  opts?: RequestOptions,
): Promise<MessageValue<H, A> | undefined> {
  let found: MessageValue<H, A> | undefined;
  await conn.request(
    { type: requestType, body: (w) => schema.encode(w, query) },
    (r, m) => {
      if (m.type === replyType && found === undefined) found = schema.decode(r, m.payloadOffset, m.end);
    },
    opts,
  );
  return found;
}

/**
 * Sends a change (NEW/DEL/SET) and waits for the kernel's ACK. With `echo`, asks the kernel to
 * send back the object as it made it (NLM_F_ECHO) and returns it. Not an async function: a plain
 * change is one promise, the engine's (Promise.all of thousands of changes keeps less alive).
 */
export function changeObject<H extends StructMembers, A extends AttrSpecs>(
  conn: Connection,
  type: number,
  flags: number,
  schema: MessageSchema<H, A>,
  value: Partial<MessageValue<H, A>>,
  echo?: { replyType: number },
  opts?: RequestOptions,
): Promise<MessageValue<H, A> | undefined> {
  if (echo === undefined) return conn.ack({ type, flags, body: (w) => schema.encode(w, value) }, opts) as Promise<undefined>;
  let echoed: MessageValue<H, A> | undefined;
  return conn
    .request(
      { type, flags: flags | NLM_F_ECHO, body: (w) => schema.encode(w, value) },
      (r, m) => {
        if (m.type === echo.replyType && echoed === undefined) echoed = schema.decode(r, m.payloadOffset, m.end);
      },
      opts,
    )
    .then(() => echoed);
}
