// npm run bench: prints one JSON line per measurement. Every measurement runs in throwaway network
// namespaces that are removed afterwards, also on failure or Ctrl-C. `ip -j` on the same data in
// the same run is the reference; the targets come from the issues (C, Go figures of facts.md).
//
// Each library figure is the median of several runs after warm-up runs (the first run of a process
// compiles the decoders). Peak memory for the route dump is measured in a child process of its own.

import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addNetns, deleteNetns, netnsExists } from '../src/ns/netns.js';
import { Rtnl } from '../src/rtnl/rtnl.js';
import { dumpObjects } from '../src/rtnl/common/requests.js';
import { RTM_GETLINK, RTM_NEWLINK, linkMessage } from '../src/rtnl/generated/link.js';
import { RTM_GETROUTE, RTM_NEWROUTE, routeMessage } from '../src/rtnl/generated/route.js';

const LINK_PAIRS = 1000;
const ROUTES = 100_000;
const ROUTE_TABLE = 100;
const RUNS = 9;
const WARMUP = 3;

const created: string[] = [];
function cleanup(): void {
  for (const n of created.splice(0)) if (netnsExists(n)) deleteNetns(n);
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => process.exit(130));

function namespace(suffix: string): string {
  const name = `rtnl-bench-${process.pid}-${suffix}`;
  addNetns(name);
  created.push(name);
  return name;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const round = (x: number): number => Math.round(x * 100) / 100;

function emit(obj: Record<string, unknown>): void {
  console.log(JSON.stringify(obj));
}

async function timeRuns(fn: () => Promise<number>): Promise<{ median: number; min: number; count: number }> {
  let count = 0;
  for (let i = 0; i < WARMUP; i++) count = await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    count = await fn();
    times.push(performance.now() - t0);
  }
  return { median: median(times), min: Math.min(...times), count };
}

// Runs each function RUNS times after WARMUP runs, in turns (a, b, a, b, ...), so that both see the
// same machine load; one result per function.
async function timeInterleaved(fns: (() => Promise<number>)[]): Promise<{ median: number; min: number; count: number }[]> {
  const counts = fns.map(() => 0);
  for (let i = 0; i < WARMUP; i++) for (const [j, fn] of fns.entries()) counts[j] = await fn();
  const times: number[][] = fns.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [j, fn] of fns.entries()) {
      const t0 = performance.now();
      counts[j] = await fn();
      times[j].push(performance.now() - t0);
    }
  }
  return times.map((t, j) => ({ median: median(t), min: Math.min(...t), count: counts[j] }));
}

function timeIp(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    execFileSync('ip', args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
    times.push(performance.now() - t0);
  }
  return median(times);
}

function ipBatch(ns: string, lines: string[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-bench-'));
  try {
    const file = join(dir, 'batch');
    writeFileSync(file, lines.join('\n') + '\n');
    execFileSync('ip', ['-n', ns, '-batch', file], { stdio: 'ignore' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchLinks(): Promise<void> {
  const ns = namespace('links');
  const rtnl = await Rtnl.open({ netns: ns });
  try {
    const lines: string[] = [];
    for (let i = 0; i < LINK_PAIRS; i++) lines.push(`link add bv${i}a type veth peer name bv${i}b`);
    ipBatch(ns, lines);
    // The model (links.list()) and, interleaved in the same runs, the wire messages alone (what
    // links.list() returned before the model: the same dump decoded by the wire schema, no mapping).
    const wireDump = async (): Promise<number> =>
      (await dumpObjects(rtnl.connection, RTM_GETLINK, RTM_NEWLINK, linkMessage, { family: 'unspec', type: 0, index: 0, flags: [], change: [] })).items.length;
    const [r, wire] = await timeInterleaved([async () => (await rtnl.links.list()).length, wireDump]);
    const ipMs = timeIp(['-n', ns, '-j', 'link', 'show']);
    emit({
      bench: 'dump-links',
      objects: r.count,
      ms_median: round(r.median),
      ms_min: round(r.min),
      wire_only_ms_median: round(wire.median),
      wire_only_ms_min: round(wire.min),
      ip_j_ms: round(ipMs),
      target_ms: 'within 1.5x of C (10-14 ms) and below Go vishvananda (25 ms)',
    });
  } finally {
    rtnl.close();
  }
}

// The route dump runs in a child process so that its peak resident size is its own.
function benchRoutes(): void {
  const ns = namespace('routes');
  const lines: string[] = ['link set lo up', 'link add dummyveth0 type veth peer name dummyveth1', 'link set dummyveth0 up', 'link set dummyveth1 up'];
  for (let i = 0; i < ROUTES; i++) {
    // 198.18.0.0/15 holds 131072 addresses: one /32 each.
    const a = 18 + (i >> 16);
    lines.push(`route add 198.${a}.${(i >> 8) & 255}.${i & 255}/32 dev dummyveth0 table ${ROUTE_TABLE}`);
  }
  ipBatch(ns, lines);
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--route-child', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`route benchmark child failed (${child.status})`);
  const res = JSON.parse(child.stdout.trim().split('\n').pop() as string) as {
    count: number;
    median: number;
    min: number;
    peakMb: number;
    baseMb: number;
    wireMedian: number;
    modelBytes: number;
    wireBytes: number;
  };
  const ipMs = timeIp(['-n', ns, '-j', 'route', 'show', 'table', String(ROUTE_TABLE)]);
  emit({
    bench: 'dump-routes',
    objects: res.count,
    ms_median: round(res.median),
    ms_min: round(res.min),
    peak_rss_mb: round(res.peakMb),
    rss_before_mb: round(res.baseMb),
    // The same dump decoded into wire messages only (what list() returned before the model), and
    // the heap each listed route holds, both ways.
    wire_ms_median: round(res.wireMedian),
    model_bytes_per_route: res.modelBytes,
    wire_bytes_per_route: res.wireBytes,
    ip_j_ms: round(ipMs),
    target_ms: 'within 2x of C (38 ms), at least 3x faster than Go vishvananda (262 ms); peak RSS < 200 MB',
  });
}

async function routeChild(ns: string): Promise<void> {
  const rtnl = await Rtnl.open({ netns: ns });
  const vmHwm = (): number => {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : -1;
  };
  const before = vmHwm();
  // Peak resident size of this process after one dump of the 100k routes into objects, kept alive.
  const first = await rtnl.routes.list({ table: ROUTE_TABLE });
  const peakMb = vmHwm();
  const held = first.length;
  const r = await timeRuns(async () => (await rtnl.routes.list({ table: ROUTE_TABLE })).length);
  const query = { family: 'unspec', dstLen: 0, srcLen: 0, tos: 0, rtmTable: 0, protocol: 0, scope: 0, type: 0, flags: [], table: ROUTE_TABLE } as const;
  const wireDump = async (): Promise<unknown[]> => (await dumpObjects(rtnl.connection, RTM_GETROUTE, RTM_NEWROUTE, routeMessage, { ...query, flags: [] })).items;
  const w = await timeRuns(async () => (await wireDump()).length);
  const modelBytes = await heldBytesPerObject(() => rtnl.routes.list({ table: ROUTE_TABLE }));
  const wireBytes = await heldBytesPerObject(wireDump);
  rtnl.close();
  console.log(JSON.stringify({ count: r.count, median: r.median, min: r.min, peakMb, baseMb: before, held, wireMedian: w.median, modelBytes, wireBytes }));
}

/**
 * The heap one object of a dump holds, in bytes: the growth of the used heap (after collecting
 * garbage) when a second result is held beside a first (the first absorbs whatever the connection
 * keeps of its last dump). Needs --expose-gc; -1 without it.
 */
async function heldBytesPerObject(dump: () => Promise<unknown[]>): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return -1;
  const sizes: number[] = [];
  // Held in an array: local variables of this function may be dropped by the optimizer once unused.
  const held: unknown[][] = [];
  for (let i = 0; i < 3; i++) {
    held.length = 0;
    held.push(await dump());
    gc();
    const base = process.memoryUsage().heapUsed;
    held.push(await dump());
    gc();
    sizes.push((process.memoryUsage().heapUsed - base) / held[1].length);
  }
  held.length = 0;
  return Math.round(median(sizes));
}

// Adds 10k routes one at a time, each waiting for its ACK, then deletes them one at a time.
async function benchRouteAdd(): Promise<void> {
  const N = 10_000;
  const ns = namespace('add');
  const rtnl = await Rtnl.open({ netns: ns });
  try {
    await rtnl.links.set('lo', { up: true });
    // The link's index, resolved once: a name would cost a lookup (RTM_GETLINK) per route.
    const oif = (await rtnl.links.add({ name: 'bench0', kind: 'veth', peer: { name: 'bench1' }, up: true })).index;
    const dst = (i: number): string => `198.18.${(i >> 8) & 255}.${i & 255}/32`;
    // Three rounds of 10k adds then 10k deletes; the first round of a process includes compiling
    // the encoders, so every round is reported and the median is the figure.
    const adds: number[] = [];
    const dels: number[] = [];
    let listed = 0;
    let left = 0;
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      for (let i = 0; i < N; i++) await rtnl.routes.add({ dst: dst(i), oif, table: ROUTE_TABLE });
      adds.push(((performance.now() - t0) * 1000) / N);
      listed = (await rtnl.routes.list({ table: ROUTE_TABLE })).length;
      const t1 = performance.now();
      for (let i = 0; i < N; i++) await rtnl.routes.delete({ dst: dst(i), oif, table: ROUTE_TABLE });
      dels.push(((performance.now() - t1) * 1000) / N);
      left = (await rtnl.routes.list({ table: ROUTE_TABLE })).length;
    }
    const addUs = median(adds);
    const delUs = median(dels);
    emit({
      bench: 'add-delete-routes',
      routes: N,
      listed_after_add: listed,
      left_after_delete: left,
      add_us_per_route: round(addUs),
      delete_us_per_route: round(delUs),
      add_us_rounds: adds.map(round),
      delete_us_rounds: dels.map(round),
      target_us: 'within 1.5x of C (6.7-9 us per route) and below Go vishvananda (13 us per route)',
    });
  } finally {
    rtnl.close();
  }
}

function benchEvents(): void {
  const self = fileURLToPath(new URL('./events.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--import', 'tsx', self], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`events benchmark failed (${child.status})`);
  process.stdout.write(child.stdout);
}

/** Reading a 100 MB capture, binary-parser against the DataView reader it replaced (no kernel needed). */
function benchCaptureRead(): void {
  const self = fileURLToPath(new URL('./capture-read.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--import', 'tsx', self], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`capture-read benchmark failed (${child.status})`);
  process.stdout.write(child.stdout);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--route-child') return routeChild(argv[1]);
  const only = new Set(argv);
  const want = (name: string): boolean => only.size === 0 || only.has(name);
  if (want('links')) await benchLinks();
  if (want('routes')) benchRoutes();
  if (want('route-add')) await benchRouteAdd();
  if (want('events')) benchEvents();
  if (want('capture-read')) benchCaptureRead();
  cleanup();
}

main().catch((err: unknown) => {
  console.error(err);
  cleanup();
  process.exitCode = 1;
});
