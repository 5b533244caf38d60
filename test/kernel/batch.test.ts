// Batches, pipelined concurrent requests and streamed dumps against the real kernel: results and
// errors in order and per request, never a receive-queue overflow, streams equal to lists.
// Semantics only: speed is measured by `npm run bench`, never here.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NetlinkError } from '../../src/netlink/errors.js';
import { RTM_GETROUTE, RTM_NEWROUTE, routeMessage } from '../../src/rtnl/generated/route.js';
import { streamObjects } from '../../src/rtnl/common/requests.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { useTestNetns } from '../harness/netns.js';

const TABLE = 300;
// The /32 at index i of 198.18.0.0/15 (131,072 of them).
const dst = (i: number): string => `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`;

describe('batches and pipelining', () => {
  const ns = useTestNetns();
  let rtnl: Rtnl;
  let oif: number;
  beforeAll(async () => {
    rtnl = await Rtnl.open({ netns: ns.name });
    await rtnl.links.set('lo', { up: true });
    oif = (await rtnl.links.add({ name: 'b0', kind: 'veth', peer: { name: 'b1' }, up: true })).index as number;
  });
  afterAll(() => rtnl?.close());
  // Each test starts with an empty table.
  afterEach(() => {
    ns.ip(`route flush table ${TABLE}`);
  });

  const count = async (table = TABLE): Promise<number> => (await rtnl.routes.list({ table })).length;
  const flush = (): void => {
    ns.ip(`route flush table ${TABLE}`);
  };

  it('returns one result per change, in order, each a success or its own NetlinkError', async () => {
    // 0..99 new, but 50 through an interface that does not exist (ENODEV); then 0..9 again
    // (EEXIST); then one more through another missing interface.
    const changes: (() => Promise<void>)[] = [];
    for (let i = 0; i < 100; i++) changes.push(() => rtnl.routes.add({ dst: dst(i), oif: i === 50 ? 999_999 : oif, table: TABLE }));
    for (let i = 0; i < 10; i++) changes.push(() => rtnl.routes.add({ dst: dst(i), oif, table: TABLE }));
    changes.push(() => rtnl.routes.add({ dst: dst(5000), oif: 999_998, table: TABLE }));
    const res = await rtnl.batch(changes);
    expect(res).toHaveLength(111);
    const codes = res.map((r) => (r.ok ? 'ok' : (r.error as NetlinkError).code));
    const expected = Array.from({ length: 111 }, (_, i) => (i === 50 || i === 110 ? 'ENODEV' : i >= 100 ? 'EEXIST' : 'ok'));
    expect(codes).toEqual(expected);
    for (const r of res) if (!r.ok) expect(r.error).toBeInstanceOf(NetlinkError);
    expect(await count()).toBe(99);
  });

  it('a failing change in the middle hides no other result', async () => {
    const res = await rtnl.batch(
      Array.from({ length: 1000 }, (_, i) => () => rtnl.routes.add({ dst: dst(i), oif: i === 500 ? 999_999 : oif, table: TABLE })),
    );
    expect(res.filter((r) => !r.ok)).toHaveLength(1);
    expect(res[500]).toMatchObject({ ok: false, error: { code: 'ENODEV' } });
    expect(res[499].ok && res[501].ok).toBe(true);
    expect(await count()).toBe(999);
  });

  it('bad arguments fail their own change before anything is sent, not the batch', async () => {
    const res = await rtnl.batch([
      () => rtnl.routes.add({ dst: dst(1), oif, table: TABLE }),
      () => rtnl.routes.add({ dst: '198.18.0.300/32', oif, table: TABLE }),
      () => rtnl.routes.add({ dst: dst(2), oif, table: TABLE }),
    ]);
    expect(res.map((r) => r.ok)).toEqual([true, false, true]);
    expect(!res[1].ok && res[1].error.name).toBe('InvalidArgumentError');
  });

  it('never overflows the receive queue: 50,000 changes through a small queue, then 10,000 errors', async () => {
    // 64 KiB asked, 128 KiB granted: about 150 ACKs would fill it.
    const small = await Rtnl.open({ netns: ns.name, receiveBufferSize: 64 * 1024 });
    try {
      const N = 50_000;
      const added = await small.batch(
        Array.from({ length: N }, (_, i) => () => small.routes.add({ dst: dst(i), oif, table: TABLE })),
        { window: 8192 },
      );
      expect(added.filter((r) => !r.ok).map((r) => !r.ok && r.error.message).slice(0, 3)).toEqual([]);
      expect(await count()).toBe(N);
      // Every change fails: an error reply (larger than an ACK) for each.
      const again = await Promise.all(Array.from({ length: 10_000 }, (_, i) => small.routes.add({ dst: dst(i), oif, table: TABLE }).catch((e: unknown) => e)));
      expect(again.every((e) => e instanceof NetlinkError && e.code === 'EEXIST')).toBe(true);
      expect(await count()).toBe(N);
    } finally {
      small.close();
    }
  }, 120_000);

  it('concurrent requests get the same results and errors as when sent one at a time', async () => {
    const specs = Array.from({ length: 300 }, (_, i) => ({ dst: dst(i % 200), oif: i % 37 === 5 ? 999_999 : oif, table: TABLE }));
    const alone: unknown[] = [];
    for (const s of specs) alone.push(await rtnl.routes.add(s).then(() => 'ok', (e: unknown) => e));
    flush();
    const together = await Promise.all(specs.map((s) => rtnl.routes.add(s).then(() => 'ok', (e: unknown) => e)));
    const view = (x: unknown): unknown =>
      x instanceof NetlinkError ? { code: x.code, message: x.message, extack: x.extack, type: x.request.type, path: x.attributePath } : x;
    expect(together.map(view)).toEqual(alone.map(view));
    expect(together.filter((x) => x !== 'ok').length).toBeGreaterThan(100);
  });

  it('one EEXIST among 1,000 concurrent adds fails that add alone, with the error it gets when sent alone', async () => {
    await rtnl.routes.add({ dst: dst(500), oif, table: TABLE });
    const alone = await rtnl.routes.add({ dst: dst(500), oif, table: TABLE }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(alone).toBeInstanceOf(NetlinkError);
    const res = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => rtnl.routes.add({ dst: dst(i), oif, table: TABLE })));
    const failed = res.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([500]);
    const e = (res[500] as PromiseRejectedResult).reason as NetlinkError;
    const a = alone as NetlinkError;
    expect(e).toBeInstanceOf(NetlinkError);
    expect({ code: e.code, errno: e.errno, message: e.message, extack: e.extack, type: e.request.type, flags: e.request.flags, path: e.attributePath }).toEqual({
      code: a.code,
      errno: a.errno,
      message: a.message,
      extack: a.extack,
      type: a.request.type,
      flags: a.request.flags,
      path: a.attributePath,
    });
    expect(e.code).toBe('EEXIST');
    // The failing request's own bytes as sent, but for its sequence number and NLM_F_ACK (which
    // only the last request of a shared write carries).
    const bytes = (b: Uint8Array | undefined): number[] => [...(b ?? [])].map((x, k) => (k >= 8 && k < 12 ? 0 : k === 6 ? x & ~4 : x));
    expect(bytes(e.request.bytes)).toEqual(bytes(a.request.bytes));
    expect(await count()).toBe(1000);
  });

});

describe('streamed dumps', () => {
  const ns = useTestNetns();
  let rtnl: Rtnl;
  let oif: number;
  const N = 5000;
  beforeAll(async () => {
    rtnl = await Rtnl.open({ netns: ns.name });
    await rtnl.links.set('lo', { up: true });
    oif = (await rtnl.links.add({ name: 's0', kind: 'veth', peer: { name: 's1' }, up: true })).index as number;
    const res = await rtnl.batch(Array.from({ length: N }, (_, i) => () => rtnl.routes.add({ dst: dst(i), oif, table: TABLE })));
    expect(res.every((r) => r.ok)).toBe(true);
  });
  afterAll(() => rtnl?.close());

  const stream = () =>
    streamObjects(rtnl.connection, RTM_GETROUTE, RTM_NEWROUTE, routeMessage, { family: 'inet', table: TABLE } as never);

  it('yields the same objects as the list, in the same order', async () => {
    const listed = await rtnl.routes.list({ table: TABLE, family: 'inet' });
    const streamed = [];
    for await (const r of rtnl.routes.stream({ table: TABLE, family: 'inet' })) streamed.push(r);
    expect(streamed).toHaveLength(N);
    expect(streamed).toEqual(listed);
    // Filters as list() does; a table that was never created streams nothing.
    const some = [];
    for await (const r of rtnl.routes.stream({ table: TABLE, oif: 's0', protocol: 'boot' })) some.push(r);
    expect(some).toEqual(await rtnl.routes.list({ table: TABLE, oif: 's0', protocol: 'boot' }));
    const none = [];
    for await (const r of rtnl.routes.stream({ table: 4242, family: 'inet' })) none.push(r);
    expect(none).toEqual([]);
    // The engine-level stream reports how the dump went.
    const s = stream();
    for await (const r of s) expect(r).toBeDefined();
    expect(s.status).toMatchObject({ interrupted: false, messages: N });
  });

  it('leaving the loop early reads the rest without decoding, and the handle goes on', async () => {
    let seen = 0;
    for await (const r of stream()) {
      expect(r.dst).toBeDefined();
      if (++seen === 10) break;
    }
    expect(seen).toBe(10);
    // Requests made while a stream is open wait for it, then get their own answers.
    const it = stream()[Symbol.asyncIterator]();
    const first = await it.next();
    const pending = rtnl.links.get('s0');
    expect(first.done).toBe(false);
    await it.return?.();
    expect((await pending).name).toBe('s0');
    expect(await rtnl.routes.list({ table: TABLE })).toHaveLength(N);
  });

  it('batches(): the same routes a datagram at a time, mixable with next(), and an early exit ends the stream', async () => {
    const listed = await rtnl.routes.list({ table: TABLE, family: 'inet' });
    const batches: number[] = [];
    const streamed = [];
    for await (const batch of rtnl.routes.stream({ table: TABLE, family: 'inet' }).batches()) {
      batches.push(batch.length);
      streamed.push(...batch);
    }
    expect(streamed).toEqual(listed);
    // Several datagrams, none empty: a batch is one datagram's routes, not the whole dump.
    expect(batches.length).toBeGreaterThan(1);
    expect(Math.min(...batches)).toBeGreaterThan(0);
    expect(Math.max(...batches)).toBeLessThan(N);
    // Objects read by next() are not handed out again by batches().
    const s = rtnl.routes.stream({ table: TABLE, family: 'inet' });
    const first = await s.next();
    const rest = [];
    for await (const batch of s.batches()) rest.push(...batch);
    expect([first.value, ...rest]).toEqual(listed);
    // A table that was never created: no batch at all.
    const none = [];
    for await (const batch of rtnl.routes.stream({ table: 4242, family: 'inet' }).batches()) none.push(batch);
    expect(none).toEqual([]);
    // Leaving early: the rest is read, the handle goes on.
    for await (const batch of stream().batches()) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    expect(await rtnl.routes.list({ table: TABLE })).toHaveLength(N);
  });

  it('a decoding error in the stream surfaces after the rest was read, and the handle goes on', async () => {
    let n = 0;
    const s = streamObjects(rtnl.connection, RTM_GETROUTE, RTM_NEWROUTE, routeMessage, { family: 'inet', table: TABLE } as never, undefined, (r) => {
      if (++n === 100) throw new Error('mapping failed');
      return r;
    });
    let got = 0;
    const err = await (async () => {
      for await (const r of s) if (r) got++;
    })().catch((e: unknown) => e);
    expect((err as Error).message).toBe('mapping failed');
    expect(got).toBeGreaterThanOrEqual(99);
    expect(await rtnl.routes.list({ table: TABLE })).toHaveLength(N);
  });
});
