// The library in a worker thread of the application (real kernel, throw-away namespace): a
// monitor there gets the namespace's events, and the worker can be terminated while it waits.
// A worker waits in its own thread (src/sys/poller.ts, waitReadable); with the main thread's way,
// a helper thread blocked in poll(2), terminate() hung in 6 of 9 runs of 20 terminations.

import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
const SCRIPT = path.resolve(import.meta.dirname, '../harness/monitor-in-worker.mjs');

/** Resolves with the first message `w` posts that `accept` takes; rejects on the worker's error or after `ms`. */
function nextMessage(w: Worker, accept: (m: unknown) => boolean, ms: number, what: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      w.off('message', onMessage);
      reject(new Error(`no ${what} within ${ms} ms`));
    }, ms);
    const onMessage = (m: unknown): void => {
      if (!accept(m)) return;
      clearTimeout(timer);
      w.off('message', onMessage);
      resolve(m);
    };
    w.on('message', onMessage);
    w.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

describe('a monitor in a worker thread', () => {
  it('reports the links made in its namespace, and the worker terminates while it waits, 10 times', async () => {
    for (let round = 0; round < 10; round++) {
      const w = new Worker(SCRIPT, { workerData: { ns: ns.name, mode: 'monitor' } });
      try {
        await nextMessage(w, (m) => m === 'monitoring', 20_000, 'start');
        const name = `wk${round}`;
        const seen = nextMessage(w, (m) => m === name, 10_000, `event for ${name}`);
        ns.ip(`link add ${name} type veth peer name wp${round}`);
        await expect(seen).resolves.toBe(name);
        // More changes while it is being stopped; terminate() must end within the bound.
        ns.ip(`link add wx${round} type veth peer name wy${round}`);
        const ended = await Promise.race([w.terminate().then(() => 'terminated'), new Promise((r) => setTimeout(() => r('still running after 10 s'), 10_000))]);
        expect(ended).toBe('terminated');
      } finally {
        void w.terminate();
      }
    }
  }, 120_000);

  it('closes its sockets without a warning and the worker ends by itself', async () => {
    // Node warns in a worker when fs closes an fd its fs did not open; the sockets are ffi-rs's.
    const w = new Worker(SCRIPT, { workerData: { ns: ns.name, mode: 'close' }, stderr: true });
    let stderr = '';
    w.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number>((resolve) => w.once('exit', resolve));
    await nextMessage(w, (m) => m === 'monitoring', 20_000, 'start');
    const listed = nextMessage(w, Array.isArray, 10_000, 'the listed names');
    ns.ip('link add wc0 type veth peer name wc1');
    expect(await listed).toEqual(expect.arrayContaining(['lo']));
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  }, 60_000);
});
