// The request timeout bounds the whole request, not only the waits: a dump whose datagrams keep
// arriving (or whose handling is slow) ends in a TimeoutError once the deadline has passed.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '../../src/netlink/connection.js';
import { NLM_F_MULTI } from '../../src/netlink/constants.js';
import { TimeoutError } from '../../src/netlink/errors.js';
import type { Transport } from '../../src/netlink/transport.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { nlmsg } from '../harness/bytes.js';
import { useTestNetns } from '../harness/netns.js';

/** Burns `ms` of wall time: the fake kernel's datagrams take that long to come. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

/**
 * A fake kernel answering any request with an endless dump: each receive() takes 2 ms and returns
 * one datagram of the dump (1,500 of them), never its NLMSG_DONE. Counts what it handed out.
 */
class EndlessDump implements Transport {
  readonly portId = 4321;
  closed = false;
  seq = 0;
  datagrams = 0;

  send(datagram: Uint8Array): void {
    this.seq = new DataView(datagram.buffer, datagram.byteOffset).getUint32(8, true);
  }

  receive(): Uint8Array | null {
    if (this.datagrams >= 1500) return null;
    busy(2);
    this.datagrams++;
    // An RTM_NEWLINK part of a multi-part reply, with an empty ifinfomsg.
    return nlmsg(16, NLM_F_MULTI, this.seq, this.portId, new Uint8Array(16));
  }

  wait(): Promise<boolean> {
    return Promise.resolve(!this.closed && this.datagrams < 1500);
  }

  close(): void {
    this.closed = true;
  }
}

describe('the timeout bounds the whole request', () => {
  it('a dump whose datagrams keep coming ends in TimeoutError once the deadline passed (no wait in between)', async () => {
    const t = new EndlessDump();
    const c = new Connection(t, { timeoutMs: 5 });
    let messages = 0;
    const err = await c.request({ type: 18, flags: 0x300 }, () => messages++).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).timeoutMs).toBe(5);
    // It stopped reading soon after the deadline: far from the 1,500 datagrams (3 s) on offer.
    expect(t.datagrams).toBeLessThan(1500);
  });

  it('a slow message handler counts against the deadline too', async () => {
    const t = new EndlessDump();
    const c = new Connection(t, { timeoutMs: 50 });
    const err = await c.request({ type: 18, flags: 0x300 }, () => busy(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(t.datagrams).toBeLessThan(1500);
  });
});

describe('against the kernel', () => {
  const ns = useTestNetns();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtnl-timeout-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    // 20,000 /32 routes of 198.18.0.0/15 in one table, added by ip in one batch.
    const file = path.join(dir, 'routes.batch');
    const lines = ['link set lo up'];
    for (let i = 0; i < 20_000; i++) lines.push(`route add 198.18.${i >> 8}.${i & 255}/32 dev lo table 100`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    execFileSync('ip', ['-n', ns.name, '-batch', file]);
  }, 60_000);

  it('a dump of 20,000 routes with timeoutMs: 5 fails with TimeoutError', async () => {
    const rtnl = await Rtnl.open({ netns: ns.name, timeoutMs: 5 });
    try {
      await expect(rtnl.routes.list({ table: 100 })).rejects.toThrow(TimeoutError);
      // The handle stays usable: the rest of the timed-out dump is skipped by sequence number.
      const slow = await rtnl.routes.list({ table: 100 }, { timeoutMs: 60_000 });
      expect(slow.length).toBe(20_000);
    } finally {
      rtnl.close();
    }
  });
});
