// Measures the OS layer's choices: fs.readSync vs an ffi-rs recv per datagram, the cost of an
// empty receive, wait() latency, close() wake latency, and whether ffi-rs `runInNewThread` holds
// libuv's pool threads. Runs in its own throw-away network namespace.
//   npx tsx bench/os-layer.ts

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dns from 'node:dns/promises';
import fs from 'node:fs';
import { load, DataType } from 'ffi-rs';
import { NetlinkSocket } from '../src/netlink/socket.js';
import * as libc from '../src/sys/libc.js';

const name = `rtnlbench-${process.pid}-${randomBytes(3).toString('hex')}`;
const removeNs = (): void => {
  try {
    execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
  } catch {
    // not created or already gone
  }
};
process.on('exit', removeNs);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const fmt = (x: number): string => x.toFixed(2).padStart(7);

async function main(): Promise<void> {
  execFileSync('ip', ['netns', 'add', name]);
  const nsFd = fs.openSync(`/run/netns/${name}`, 'r');
  const s = NetlinkSocket.open({ netnsFd: nsFd });
  const N = 1000;
  // RTM_GETLINK of ifindex 1 (lo), no dump: one ~1.4 KB reply datagram per request.
  const req = Buffer.alloc(32);
  req.writeUInt32LE(32, 0);
  req.writeUInt16LE(18, 4);
  req.writeUInt16LE(1, 6);
  req.writeInt32LE(1, 20);
  const fill = (): void => {
    for (let i = 0; i < N; i++) s.send(req);
  };
  const perCall = (f: () => void, rounds = 7): number => {
    const r: number[] = [];
    for (let k = 0; k < rounds; k++) {
      fill();
      const t = process.hrtime.bigint();
      f();
      r.push(Number(process.hrtime.bigint() - t) / N / 1000);
    }
    return median(r);
  };
  const buf = Buffer.allocUnsafeSlow(1 << 20);
  console.log('per datagram, us (median of 7 x 1000):');
  console.log(fmt(perCall(() => { for (let i = 0; i < N; i++) s.receive(); })), ' fs.readSync (NetlinkSocket.receive)');
  console.log(fmt(perCall(() => { for (let i = 0; i < N; i++) libc.recv(s.fd, buf, 0x40); })), ' ffi-rs recv');
  console.log(fmt(perCall(() => { for (let i = 0; i < N; i++) s.receiveWithNsid(); })), ' ffi-rs recvmsg + copy (receiveWithNsid)');
  const empty = (f: () => void): number => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) f();
    return Number(process.hrtime.bigint() - t) / N / 1000;
  };
  console.log('empty queue (EAGAIN), us per call:');
  console.log(fmt(empty(() => s.receive())), ' fs.readSync (throws EAGAIN, caught)');
  console.log(fmt(empty(() => { try { libc.recv(s.fd, buf, 0x40); } catch { /* EAGAIN */ } })), ' ffi-rs recv');
  console.log(fmt(empty(() => s.receiveWithNsid())), ' ffi-rs recvmsg');

  await s.wait(0); // start the poller thread
  s.send(req);
  const w: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = process.hrtime.bigint();
    await s.wait(1000);
    w.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  console.log(`wait() with data queued: median ${median(w).toFixed(0)} us`);
  const c: number[] = [];
  for (let i = 0; i < 20; i++) {
    const x = NetlinkSocket.open({ netnsFd: nsFd });
    const p = x.wait(10_000);
    await new Promise((r) => setTimeout(r, 5));
    const t = process.hrtime.bigint();
    x.close();
    await p;
    c.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  console.log(`close() -> pending wait resolved: median ${median(c).toFixed(0)} us, max ${Math.max(...c).toFixed(0)} us`);

  // Four 2-s poll()s, first through NetlinkSocket.wait, then through ffi-rs runInNewThread.
  const probe = async (): Promise<number> => {
    const t = performance.now();
    await Promise.all([fs.promises.readFile('/proc/version'), dns.lookup('localhost')]);
    return performance.now() - t;
  };
  const sockets = [0, 1, 2, 3].map(() => NetlinkSocket.open({ netnsFd: nsFd }));
  const waits = sockets.map((x) => x.wait(2000));
  await new Promise((r) => setTimeout(r, 20));
  console.log(`fs.readFile + dns.lookup during 4 NetlinkSocket waits: ${(await probe()).toFixed(1)} ms`);
  for (const x of sockets) x.close();
  await Promise.all(waits);
  const empty8 = Buffer.alloc(8);
  const threads = [0, 1, 2, 3].map(() =>
    load({
      library: 'libc',
      funcName: 'poll',
      retType: DataType.I32,
      paramsType: [DataType.U8Array, DataType.U64, DataType.I32],
      paramsValue: [empty8, 0, 2000],
      runInNewThread: true,
    }),
  );
  await new Promise((r) => setTimeout(r, 20));
  console.log(`fs.readFile + dns.lookup during 4 ffi-rs runInNewThread polls: ${(await probe()).toFixed(1)} ms`);
  await Promise.all(threads);
  s.close();
  fs.closeSync(nsFd);
}

main().finally(removeNs);
