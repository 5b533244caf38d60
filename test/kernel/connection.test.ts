// The request engine: against a fake kernel for what the real one cannot be made to do on demand
// (interrupted dumps, silence, stale and malformed replies), and against the real kernel for many
// concurrent requests on one handle.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writer } from '../../src/netlink/bytes.js';
import { Connection, DumpInterruptedError } from '../../src/netlink/connection.js';
import { NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK, NLM_F_ACK_TLVS, NLM_F_DUMP_INTR, NLM_F_MULTI, NLMSGERR_ATTR_MSG } from '../../src/netlink/constants.js';
import { DecodeError, NetlinkError, TimeoutError } from '../../src/netlink/errors.js';
import { readHeader, writeMessage, type NetlinkHeader } from '../../src/netlink/message.js';
import type { Transport } from '../../src/netlink/transport.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { useTestNetns } from '../harness/netns.js';

/** A fake kernel: a function from each request to the datagrams it answers with. */
class FakeKernel implements Transport {
  readonly portId = 4242;
  closed = false;
  private readonly queue: Uint8Array[] = [];
  sent = 0;

  constructor(private readonly answer: (req: NetlinkHeader, n: number) => Uint8Array[]) {}

  send(datagram: Uint8Array): void {
    const hdr = readHeader(new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength), 0);
    this.queue.push(...this.answer(hdr, this.sent++));
  }
  receive(): Uint8Array | null {
    return this.queue.shift() ?? null;
  }
  async wait(timeoutMs: number): Promise<boolean> {
    if (this.queue.length) return true;
    await new Promise((r) => setTimeout(r, Math.min(timeoutMs, 20)));
    return this.queue.length > 0;
  }
  close(): void {
    this.closed = true;
  }
}

function datagram(...messages: ((w: Writer) => void)[]): Uint8Array {
  const w = new Writer(64);
  for (const m of messages) m(w);
  return w.take();
}
const data = (req: NetlinkHeader, pid: number, payload: number, flags = NLM_F_MULTI) => (w: Writer) =>
  writeMessage(w, 16, flags, req.seq, pid, (b) => b.u32(payload));
const done = (req: NetlinkHeader, pid: number, flags = NLM_F_MULTI) => (w: Writer) => writeMessage(w, NLMSG_DONE, flags, req.seq, pid, (b) => b.u32(0));
const ack = (req: NetlinkHeader, pid: number, error = 0, text?: string) => (w: Writer) =>
  writeMessage(w, NLMSG_ERROR, text ? 0x100 | NLM_F_ACK_TLVS : 0x100, req.seq, pid, (b) => {
    b.u32(error >>> 0);
    const at = b.reserve(16);
    b.view.setUint32(at, 16, true);
    b.view.setUint16(at + 4, req.type, true);
    b.view.setUint16(at + 6, req.flags, true);
    b.view.setUint32(at + 8, req.seq, true);
    if (text) {
      const a = b.beginAttr(NLMSGERR_ATTR_MSG);
      b.bytes(Buffer.from(`${text}\0`));
      b.endAttr(a);
    }
  });

function collect(conn: Connection, opts = {}): Promise<{ result: number[]; interrupted: boolean }> {
  return conn.dump(
    { type: 18 },
    () => {
      const out: number[] = [];
      return { onMessage: (r, m) => out.push(r.view.getUint32(m.payloadOffset, true)), result: () => out };
    },
    opts,
  );
}

describe('against a fake kernel', () => {
  it('gathers a dump over several datagrams and ends at NLMSG_DONE', async () => {
    const k = new FakeKernel((req) => [datagram(data(req, 4242, 1), data(req, 4242, 2)), datagram(data(req, 4242, 3)), datagram(done(req, 4242))]);
    expect((await collect(new Connection(k))).result).toEqual([1, 2, 3]);
  });

  it('skips stale replies and replies to other ports', async () => {
    const k = new FakeKernel((req) => [
      datagram(data({ ...req, seq: req.seq - 1 }, 4242, 99), data(req, 777, 98)),
      datagram(data(req, 4242, 1), done(req, 4242)),
    ]);
    expect((await collect(new Connection(k))).result).toEqual([1]);
  });

  it('retries an interrupted dump, or flags it, or throws, by policy', async () => {
    // The first two attempts come back flagged NLM_F_DUMP_INTR.
    const answer = (req: NetlinkHeader, n: number): Uint8Array[] => {
      const f = n < 2 ? NLM_F_MULTI | NLM_F_DUMP_INTR : NLM_F_MULTI;
      return [datagram(data(req, 4242, n, f), done(req, 4242, f))];
    };
    const retried = await collect(new Connection(new FakeKernel(answer)));
    expect(retried).toMatchObject({ result: [2], interrupted: false });
    const flagged = await collect(new Connection(new FakeKernel(answer), { dumpInterrupted: 'flag' }));
    expect(flagged).toMatchObject({ result: [0], interrupted: true });
    await expect(collect(new Connection(new FakeKernel(answer), { dumpInterrupted: 'throw' }))).rejects.toBeInstanceOf(DumpInterruptedError);
    await expect(collect(new Connection(new FakeKernel(answer), { dumpRetries: 1 }))).rejects.toBeInstanceOf(DumpInterruptedError);
  });

  it('times out when the kernel stays silent, and the next request still works', async () => {
    let silent = true;
    const k = new FakeKernel((req) => (silent ? [] : [datagram(ack(req, 4242))]));
    const conn = new Connection(k, { timeoutMs: 60 });
    const t0 = Date.now();
    const err = await conn.request({ type: 16 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(Date.now() - t0).toBeLessThan(1000);
    silent = false;
    await expect(conn.request({ type: 16 })).resolves.toMatchObject({ messages: 0 });
  });

  it('turns an error with extended ACK into NetlinkError, and a malformed reply into DecodeError', async () => {
    const k = new FakeKernel((req, n) =>
      n === 0 ? [datagram(ack(req, 4242, -17, 'already there'))] : [Uint8Array.from([0x40, 0, 0, 0, 1, 2])],
    );
    const conn = new Connection(k, { timeoutMs: 200 });
    await expect(conn.request({ type: 16 })).rejects.toMatchObject({ code: 'EEXIST', extack: { message: 'already there' } });
    await expect(conn.request({ type: 16 })).rejects.toBeInstanceOf(DecodeError);
  });

  it('serves concurrent requests in order without mixing their replies', async () => {
    const k = new FakeKernel((req) => [datagram(data(req, 4242, req.seq), data(req, 4242, req.seq + 1)), datagram(done(req, 4242))]);
    const conn = new Connection(k);
    const results = await Promise.all(Array.from({ length: 50 }, () => collect(conn)));
    for (const r of results) expect(r.result[1]).toBe(r.result[0] + 1);
    expect(new Set(results.map((r) => r.result[0])).size).toBe(50);
  });
});

/**
 * A fake kernel that, like the real one, takes many messages per datagram and answers each in
 * order, one datagram per answer: an error for the requests `fails` picks, else an ACK when the
 * request asks for one. It records each write's messages.
 */
class FakeBatchKernel implements Transport {
  readonly portId = 4242;
  closed = false;
  readonly writes: NetlinkHeader[][] = [];
  private readonly queue: Uint8Array[] = [];
  constructor(
    readonly replyRoom: number,
    private readonly fails: (h: NetlinkHeader, index: number) => number = () => 0,
  ) {}
  private count = 0;
  send(datagram: Uint8Array): void {
    const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
    const hdrs: NetlinkHeader[] = [];
    for (let off = 0; off < datagram.length; ) {
      const h = readHeader(view, off);
      hdrs.push(h);
      const errno = this.fails(h, this.count++);
      if (errno !== 0 || h.flags & NLM_F_ACK) this.queue.push(datagram1(ack(h, this.portId, -errno)));
      off += (h.length + 3) & ~3;
    }
    this.writes.push(hdrs);
  }
  receive(): Uint8Array | null {
    return this.queue.shift() ?? null;
  }
  async wait(): Promise<boolean> {
    return this.queue.length > 0;
  }
  close(): void {
    this.closed = true;
  }
}
const datagram1 = (m: (w: Writer) => void): Uint8Array => datagram(m);

describe('pipelining against a fake kernel that takes many messages per write', () => {
  it('packs concurrent requests into one write, in the order they were made, each with its own result', async () => {
    const k = new FakeBatchKernel(1 << 24, (_h, i) => (i % 10 === 3 ? 17 : 0));
    const conn = new Connection(k);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => conn.request({ type: 24, body: (w) => w.u32(i) }).then(() => 'ok', (e: NetlinkError) => e.code)));
    expect(k.writes).toHaveLength(1);
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => (i % 10 === 3 ? 'EEXIST' : 'ok')));
    // Sequence numbers follow the order of the calls.
    const seqs = k.writes[0].map((h) => h.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
    // Only the last request of the write asks for an ACK: silence before a later answer means success.
    expect(k.writes[0].map((h) => (h.flags & NLM_F_ACK ? 1 : 0))).toEqual(Array.from({ length: 100 }, (_, i) => (i === 99 ? 1 : 0)));
  });

  it('a failure of the last request, which carries the ACK, still settles the silent ones before it', async () => {
    const k = new FakeBatchKernel(1 << 24, (_h, i) => (i === 9 ? 19 : 0));
    const conn = new Connection(k);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => conn.request({ type: 24 })));
    expect(results.map((r) => r.status)).toEqual([...Array(9).fill('fulfilled'), 'rejected']);
  });

  it('requests with a data reply keep their ACK; dumps go alone', async () => {
    const k = new FakeBatchKernel(1 << 24);
    const conn = new Connection(k);
    await Promise.all([conn.request({ type: 24 }), conn.request({ type: 26 }, () => undefined), conn.request({ type: 24 }), conn.request({ type: 24 })]);
    expect(k.writes).toHaveLength(1);
    expect(k.writes[0].map((h) => (h.flags & NLM_F_ACK ? 1 : 0))).toEqual([0, 1, 0, 1]);
  });

  it('never puts more requests in a write than the receive queue has room to answer', async () => {
    // Room for about 16 answers (half the queue, about 1 KiB reserved per request).
    const k = new FakeBatchKernel(32 * 1024, () => 1);
    const conn = new Connection(k);
    const results = await Promise.allSettled(Array.from({ length: 1000 }, () => conn.request({ type: 24 })));
    expect(results.every((r) => r.status === 'rejected' && (r.reason as NetlinkError).code === 'EPERM')).toBe(true);
    expect(Math.max(...k.writes.map((w) => w.length))).toBeLessThanOrEqual(16);
    expect(k.writes.reduce((n, w) => n + w.length, 0)).toBe(1000);
  });

  it('a request whose body fails to encode fails alone', async () => {
    const k = new FakeBatchKernel(1 << 24);
    const conn = new Connection(k);
    const results = await Promise.allSettled([
      conn.request({ type: 24 }),
      conn.request({
        type: 24,
        body: () => {
          throw new RangeError('no');
        },
      }),
      conn.request({ type: 24 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(k.writes[0]).toHaveLength(2);
  });
});

describe('against the real kernel', () => {
  const ns = useTestNetns();
  let rtnl: Rtnl;
  beforeAll(async () => {
    rtnl = await Rtnl.open({ netns: ns.name });
    for (let i = 0; i < 20; i++) await rtnl.links.add({ name: `if${i}`, kind: 'ifb' });
  });
  afterAll(() => rtnl?.close());

  it('many concurrent requests on one handle from async code, each with its own answer', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `if${i}`);
    const [gets, lists, missing] = await Promise.all([
      Promise.all(names.map((n) => rtnl.links.get(n))),
      Promise.all(Array.from({ length: 10 }, () => rtnl.links.list())),
      Promise.all(names.map((n) => rtnl.links.get(`${n}x`).catch((e: unknown) => e))),
    ]);
    expect(gets.map((l) => l.name)).toEqual(names);
    for (const l of lists) expect(l.map((x) => x.name)).toEqual(['lo', ...names]);
    for (const e of missing) expect(e).toBeInstanceOf(NetlinkError);
  });
});
