// One measurement of `npm run bench`, in a fresh process, on the compiled library (bench.ts builds
// it into bench/.build and runs this file from there with plain node: what users run, not tsx).
// Prints one JSON line. The first run of a process is its cold figure; the median of the later
// runs, each keeping its result alive while the next one runs, is its warm figure.
//
//   worker dump-routes NS TABLE RUNS   routes.list({ table }) into objects
//   worker dump-links NS RUNS          links.list() into objects
//   worker floor-routes NS TABLE RUNS  the same dump through the library's socket and engine, not decoded
//   worker floor-links NS RUNS
//   worker floor-stream NS RUNS        the stream's dump (every IPv4 route) the same way
//   worker paired-routes NS TABLE ROUNDS SO  the C reference (SO: cref.so, in this process), the
//   worker paired-links NS ROUNDS SO         floor and dump-* (stream-batches), taking turns dump by
//   worker paired-stream NS ROUNDS SO        dump in one process
//   worker stream NS RUNS              every IPv4 route of every table, streamed and dropped: for await of routes.stream()
//   worker stream-batches NS RUNS      the same through routes.stream().batches() (a datagram's routes at a time)
//   worker add NS OIF N ROUNDS MODE    N route adds: one at a time (seq), rtnl.batch (batch),
//                                      Promise.all (pipe); deleted again by a batch after each round;
//                                      floor: one at a time, the request's bytes made beforehand and
//                                      sent and its ACK read through the library's socket
//                                      (fs.writeSync + fs.readSync), no engine, no checks;
//                                      floor-await: the same, each add an awaited async call
//   worker paired-add NS OIF N ROUNDS SO  the C reference (cref.so, in this process), the floor, the
//                                      API floor and the library take turns adding N routes one at a
//                                      time (each round's routes deleted again, untimed)
//   worker events NS N                 counts the route events of 2N changes another process makes
//   worker handwritten-routes NS TABLE RUNS  the decoder floor: the floor's dump decoded by a small
//   worker handwritten-links NS RUNS         hand-written decoder into objects of the model's shape, held
//   worker objects-routes N RUNS [template]  the object floor: N plain objects of a listed route's shape built and held, no I/O
//   worker objects-links N RUNS        the same for links (NS is ignored but given)
//   worker wire-routes NS TABLE RUNS   the route dump decoded into wire messages only, no model
//   worker wire-links NS RUNS          (what list() returned before the model: issue 9's "before")
//   worker bytes-routes NS TABLE       heap held per listed route, model and wire (needs --expose-gc)

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as FfiRs from 'ffi-rs';
import type { Reader, Writer } from '../src/netlink/bytes.js';
import { asciiText, formatIPv4Prefix, formatMAC, scanIPv4 } from '../src/netlink/addr.js';
import type { MessageView } from '../src/netlink/message.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST } from '../src/netlink/constants.js';
import { dumpObjects } from '../src/rtnl/common/requests.js';
import { RTM_GETLINK, RTM_NEWLINK, linkMessage } from '../src/rtnl/generated/link.js';
import { RTM_GETROUTE, RTM_NEWROUTE, routeMessage } from '../src/rtnl/generated/route.js';
import { Rtnl } from '../src/rtnl/rtnl.js';

const [mode, ns, ...rest] = process.argv.slice(2);

function vmHwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : -1;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
}

const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/**
 * Runs `fn` `runs` times; the first is cold, the rest warm (median). Each result stays alive until
 * the next run has ended. `settle_runs`: how many runs it took to settle, the index of the first
 * run within 1.25x of the warm median (V8 optimises the decoders over the first dumps).
 * `cold_faults`/`warm_faults`: the minor page faults of the first run and the median of the rest
 * (memory the process touched for the first time: on this virtual machine each costs 15-25 us,
 * see the bench's `machine` row).
 */
async function runs(n: number, fn: () => Promise<number>): Promise<Record<string, number>> {
  const wall: number[] = [];
  const cpu: number[] = [];
  let kept: unknown;
  let count = 0;
  const faults: number[] = [];
  let hwmAfterFirst = 0;
  for (let i = 0; i < n; i++) {
    const f0 = process.resourceUsage().minorPageFault;
    const c0 = cpuMs();
    const t0 = performance.now();
    count = await fn();
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
    faults.push(process.resourceUsage().minorPageFault - f0);
    if (i === 0) hwmAfterFirst = vmHwmMb();
    kept = count;
  }
  void kept;
  const warm = median(wall.slice(1));
  return {
    count,
    cold_ms: wall[0],
    warm_ms: warm,
    runs: n,
    settle_runs: wall.findIndex((t) => t <= 1.25 * warm),
    cold_cpu_ms: cpu[0],
    warm_cpu_ms: median(cpu.slice(1)),
    cold_faults: faults[0],
    warm_faults: median(faults.slice(1)),
    peak_rss_mb: hwmAfterFirst,
  };
}

const held = new Map<string, unknown>();
// Keeps the last result alive while the next dump runs (a long-lived process uses its results):
// one per holder, so that the library's and the object floor's results, taking turns, each stay.
function hold(x: unknown, holder = 'library'): void {
  held.set(holder, x);
}

// The query routes.list({ table }) sends.
function routeQuery(table: number): never {
  return { family: 'unspec', dstLen: 0, srcLen: 0, tos: 0, rtmTable: 0, protocol: 0, scope: 0, type: 0, flags: [], table } as never;
}

/**
 * The heap one object of a dump holds, in bytes: the growth of the used heap (after collecting
 * garbage) when a second result is held beside a first. -1 without --expose-gc.
 */
async function heldBytesPerObject(dump: () => Promise<unknown[]>): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return -1;
  const sizes: number[] = [];
  const kept: unknown[][] = [];
  for (let i = 0; i < 3; i++) {
    kept.length = 0;
    kept.push(await dump());
    gc();
    const base = process.memoryUsage().heapUsed;
    kept.push(await dump());
    gc();
    sizes.push((process.memoryUsage().heapUsed - base) / kept[1].length);
  }
  kept.length = 0;
  return Math.round(median(sizes));
}

/**
 * The route object floor: what merely building and holding `n` plain objects of a listed route's
 * shape costs in this process, without any I/O or decoding: a fresh dst string each, the same
 * fields with the same kinds of values, the flags array shared as the library shares its empty
 * one. An object literal; the string made flat from character codes (the cheaper way: a template
 * string makes a tree of cons strings, `template`). Returns the function making one such result.
 */
function routeObjects(n: number, template: boolean): () => Promise<number> {
  const flags: string[] = [];
  const codes = Array.from({ length: 19 }, (_, k) => new Array<number>(k).fill(0));
  const put = (a: number[], p: number, v: number): number => {
    if (v >= 100) a[p++] = 48 + ((v / 100) | 0);
    if (v >= 10) a[p++] = 48 + (((v / 10) | 0) % 10);
    a[p++] = 48 + (v % 10);
    return p;
  };
  const scratch = new Array<number>(19).fill(0);
  const flat = (i: number): string => {
    let p = put(scratch, 0, 198);
    scratch[p++] = 46;
    p = put(scratch, p, 18 + (i >> 16));
    scratch[p++] = 46;
    p = put(scratch, p, (i >> 8) & 255);
    scratch[p++] = 46;
    p = put(scratch, p, i & 255);
    scratch[p++] = 47;
    p = put(scratch, p, 32);
    const a = codes[p];
    for (let k = 0; k < p; k++) a[k] = scratch[k];
    return String.fromCharCode.apply(null, a);
  };
  return async () => {
    const r: object[] = [];
    for (let i = 0; i < n; i++) {
      const dst = template ? `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32` : flat(i);
      r.push({ family: 'inet', dst, table: 100, type: 'unicast', protocol: 'boot', scope: 'link', flags, oif: 3 });
    }
    hold(r, 'objects');
    return r.length;
  };
}

/**
 * The same for `n` links of a listed veth's shape: every field a listed link has, with its kind of
 * value (fresh name and MAC address strings, a fresh flags array, the xdp object); stats and
 * afSpec are left out, as the library decodes them only when they are read. The MAC text is made
 * flat from character codes at once, as the library makes it (a template of toString(16) pieces
 * would cost more than the library's whole decode).
 */
function linkObjects(n: number): () => Promise<number> {
  const codes = new Array<number>(17).fill(58);
  const mac = (i: number): string => {
    const bytes = [0x2a, 0x0b, 0xf0, (i >> 16) & 255, (i >> 8) & 255, i & 255];
    for (let k = 0; k < 6; k++) {
      const hi = bytes[k] >> 4;
      const lo = bytes[k] & 15;
      codes[3 * k] = hi < 10 ? 48 + hi : 87 + hi;
      codes[3 * k + 1] = lo < 10 ? 48 + lo : 87 + lo;
    }
    return String.fromCharCode.apply(null, codes);
  };
  return async () => {
    const r: object[] = [];
    for (let i = 0; i < n; i++) {
      r.push({
        index: i + 2, name: `bv${i >> 1}${i & 1 ? 'b' : 'a'}`, kind: 'veth', data: undefined, port: undefined,
        flags: ['broadcast', 'multicast', 'lower-up'], mtu: 1500, address: mac(i),
        broadcast: 'ff:ff:ff:ff:ff:ff', permAddress: undefined, txqlen: 1000, alias: undefined, group: 0, master: undefined,
        link: i + 3, linkNetnsid: undefined, linkType: 'ether', operstate: 'down', linkmode: 'default', qdisc: 'noop',
        carrier: false, carrierChanges: 1, carrierUpCount: 0, carrierDownCount: 1, promiscuity: 0, allmulti: 0,
        minMtu: 68, maxMtu: 65535, numTxQueues: 2, numRxQueues: 2, gsoMaxSize: 65536, gsoMaxSegs: 65535,
        groMaxSize: 65536, gsoIpv4MaxSize: 65536, groIpv4MaxSize: 65536, tsoMaxSize: 524280, tsoMaxSegs: 65535,
        altNames: undefined, protoDown: false, protoDownReason: undefined, netnsImmutable: false, headroom: 0,
        tailroom: 0, maxPacingOffloadHorizon: 0, parentDevName: undefined, parentDevBusName: undefined,
        physPortId: undefined, physPortName: undefined, physSwitchId: undefined, numVf: undefined,
        xdp: { attached: 0 }, protinfo: undefined, family: undefined,
      });
    }
    hold(r, 'objects');
    return r.length;
  };
}

/** Which dump a mode names (dump-links, floor-stream, paired-routes, ...). */
function dumpOf(mode: string): 'routes' | 'links' | 'stream' {
  return mode.endsWith('routes') ? 'routes' : mode.endsWith('links') ? 'links' : 'stream';
}

/**
 * The library's dump: routes.list({ table }) or links.list(), the result held until the next
 * dump has ended; for the stream, every IPv4 route through routes.stream().batches(), dropped.
 * Returns how many objects it gave.
 */
async function libDump(rtnl: Rtnl, what: 'routes' | 'links' | 'stream', table: number): Promise<number> {
  if (what === 'stream') return streamBatches(rtnl);
  const r = what === 'routes' ? await rtnl.routes.list({ table }) : await rtnl.links.list();
  hold(r);
  return r.length;
}

/**
 * The request of a dump as the library's list() sends it: an rtmsg of family unspec with RTA_TABLE,
 * or an ifinfomsg; for the stream, what routes.stream({ table: 'all', family: 'inet' }) sends: an
 * rtmsg of family inet.
 */
function dumpRequest(what: 'routes' | 'links' | 'stream', table: number): { type: number; flags: number; body: (w: Writer) => void } {
  const body =
    what === 'routes'
      ? (w: Writer) => {
          w.zeros(12);
          const a = w.beginAttr(15);
          w.u32(table);
          w.endAttr(a);
        }
      : what === 'stream'
        ? (w: Writer) => {
            w.u8(2);
            w.zeros(11);
          }
        : (w: Writer) => w.zeros(16);
  return { type: what === 'links' ? RTM_GETLINK : RTM_GETROUTE, flags: NLM_F_DUMP, body };
}

/**
 * The JS floor's dump: the request the library's list() sends, through the library's socket and
 * engine, the replies counted and not decoded. Returns how many there were.
 */
async function floorDump(rtnl: Rtnl, what: 'routes' | 'links' | 'stream', table: number): Promise<number> {
  let n = 0;
  await rtnl.connection.request(dumpRequest(what, table), () => {
    n++;
  });
  return n;
}

/**
 * The decoder floor: the JS floor's dump, each message decoded by a small hand-written decoder
 * into a plain object of the model's shape (the same fields, with the same kinds of values: text
 * made by the library's own text functions, the fastest it has), and the result held as the
 * library's is. No checks of lengths, repeats or types, no fallback, no unknown attributes, no
 * lazily decoded stats or afSpec (left out, as in the object floor): the least JavaScript that
 * gives these objects from these bytes. Its cold figure, in a fresh process, is what V8 costs
 * before its code is optimised and while its heap is first touched, whatever the decoder.
 */
async function handwrittenDump(rtnl: Rtnl, what: 'routes' | 'links', table: number): Promise<number> {
  const out: object[] = [];
  const decode = what === 'routes' ? handwrittenRoute : handwrittenLink;
  const type = what === 'routes' ? RTM_NEWROUTE : RTM_NEWLINK;
  await rtnl.connection.request(dumpRequest(what, table), (r: Reader, m: MessageView) => {
    if (m.type === type) out.push(decode(r.buf, m.payloadOffset, m.end));
  });
  hold(out, 'handwritten');
  return out.length;
}

const u32At = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
const ROUTE_TYPES = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];
const ROUTE_PROTOCOLS: Record<number, string> = { 0: 'unspec', 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static' };
const ROUTE_SCOPES: Record<number, string> = { 0: 'universe', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };
const NO_FLAGS: readonly string[] = [];

/** A route message (rtmsg, then RTA_DST, RTA_TABLE, RTA_OIF) into a route of the model's shape. */
function handwrittenRoute(b: Uint8Array, off: number, end: number): object {
  const dstLen = b[off + 1];
  let table = b[off + 4];
  let dst = 'default';
  let oif: number | undefined;
  for (let p = off + 12; p + 4 <= end; ) {
    const len = b[p] | (b[p + 1] << 8);
    const t = b[p + 2] | (b[p + 3] << 8);
    if (t === 1) dst = formatIPv4Prefix(b, p + 4, dstLen);
    else if (t === 15) table = u32At(b, p + 4);
    else if (t === 4) oif = u32At(b, p + 4);
    p += (len + 3) & ~3;
  }
  return { family: b[off] === 2 ? 'inet' : 'inet6', dst, table, type: ROUTE_TYPES[b[off + 7]], protocol: ROUTE_PROTOCOLS[b[off + 5]], scope: ROUTE_SCOPES[b[off + 6]], flags: NO_FLAGS, oif };
}

const IFF_NAMES: [number, string][] = [[1, 'up'], [2, 'broadcast'], [8, 'loopback'], [0x40, 'running'], [0x80, 'noarp'], [0x100, 'promisc'], [0x1000, 'multicast'], [0x10000, 'lower-up']];
const OPERSTATES = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'];

/** A link message (ifinfomsg, then the attributes the model reads eagerly) into a link of the model's shape. */
function handwrittenLink(b: Uint8Array, off: number, end: number): object {
  const iff = u32At(b, off + 8);
  const flags: string[] = [];
  for (const [bit, name] of IFF_NAMES) if ((iff & bit) !== 0) flags.push(name);
  let name, kind, address, broadcast, qdisc, operstate, linkmode, xdp;
  let mtu, link, txqlen, group, promiscuity, numTxQueues, numRxQueues, carrier, carrierChanges, carrierUpCount, carrierDownCount;
  let gsoMaxSegs, gsoMaxSize, minMtu, maxMtu, groMaxSize, tsoMaxSize, tsoMaxSegs, allmulti, gsoIpv4MaxSize, groIpv4MaxSize;
  let protoDown, netnsImmutable, headroom, tailroom, maxPacing;
  for (let p = off + 16; p + 4 <= end; ) {
    const len = b[p] | (b[p + 1] << 8);
    const at = p + 4;
    switch ((b[p + 2] | (b[p + 3] << 8)) & 0x3fff) {
      case 1: address = formatMAC(b, at, len - 4); break;
      case 2: broadcast = formatMAC(b, at, len - 4); break;
      case 3: name = asciiText(b, at, p + len - 1); break;
      case 4: mtu = u32At(b, at); break;
      case 5: link = u32At(b, at); break;
      case 6: qdisc = asciiText(b, at, p + len - 1); break;
      case 13: txqlen = u32At(b, at); break;
      case 16: operstate = OPERSTATES[b[at]]; break;
      case 17: linkmode = b[at] === 0 ? 'default' : 'dormant'; break;
      case 18: if ((b[at + 2] | (b[at + 3] << 8)) === 1) kind = asciiText(b, at + 4, at + (b[at] | (b[at + 1] << 8)) - 1); break;
      case 27: group = u32At(b, at); break;
      case 30: promiscuity = u32At(b, at); break;
      case 31: numTxQueues = u32At(b, at); break;
      case 32: numRxQueues = u32At(b, at); break;
      case 33: carrier = b[at] !== 0; break;
      case 35: carrierChanges = u32At(b, at); break;
      case 39: protoDown = b[at] !== 0; break;
      case 40: gsoMaxSegs = u32At(b, at); break;
      case 41: gsoMaxSize = u32At(b, at); break;
      case 43: xdp = { attached: b[at + 4] }; break;
      case 47: carrierUpCount = u32At(b, at); break;
      case 48: carrierDownCount = u32At(b, at); break;
      case 50: minMtu = u32At(b, at); break;
      case 51: maxMtu = u32At(b, at); break;
      case 58: groMaxSize = u32At(b, at); break;
      case 59: tsoMaxSize = u32At(b, at); break;
      case 60: tsoMaxSegs = u32At(b, at); break;
      case 61: allmulti = u32At(b, at); break;
      case 63: gsoIpv4MaxSize = u32At(b, at); break;
      case 64: groIpv4MaxSize = u32At(b, at); break;
      case 66: maxPacing = u32At(b, at); break;
      case 67: netnsImmutable = b[at] !== 0; break;
      case 68: headroom = b[at] | (b[at + 1] << 8); break;
      case 69: tailroom = b[at] | (b[at + 1] << 8); break;
      default: break;
    }
    p += (len + 3) & ~3;
  }
  const linkType = b[off + 2] === 1 ? 'ether' : 'loopback';
  return {
    index: u32At(b, off + 4), name, kind, data: undefined, port: undefined, flags, mtu, address, broadcast, permAddress: undefined, txqlen,
    alias: undefined, group, master: undefined, link, linkNetnsid: undefined, linkType, operstate, linkmode, qdisc, carrier, carrierChanges,
    carrierUpCount, carrierDownCount, promiscuity, allmulti, minMtu, maxMtu, numTxQueues, numRxQueues, gsoMaxSize, gsoMaxSegs, groMaxSize,
    gsoIpv4MaxSize, groIpv4MaxSize, tsoMaxSize, tsoMaxSegs, altNames: undefined, protoDown, protoDownReason: undefined, netnsImmutable, headroom,
    tailroom, maxPacingOffloadHorizon: maxPacing, parentDevName: undefined, parentDevBusName: undefined, physPortId: undefined, physPortName: undefined,
    physSwitchId: undefined, numVf: undefined, xdp, protinfo: undefined, family: undefined,
  };
}

/** Every IPv4 route of every table through routes.stream().batches(), each looked at and dropped; returns how many. */
async function streamBatches(rtnl: Rtnl): Promise<number> {
  let n = 0;
  for await (const batch of rtnl.routes.stream({ table: 'all', family: 'inet' }).batches()) for (const r of batch) if (r.dst !== undefined) n++;
  return n;
}

/** The destination of the i-th added route: the /32s 198.18.0.0 onwards. */
function dst(i: number): string {
  return `198.18.${(i >> 8) & 255}.${i & 255}/32`;
}

/** Deletes the routes dst(0) .. dst(n-1) again, in one batch (untimed). */
async function deleteAdded(rtnl: Rtnl, n: number, oif: number, table: number): Promise<void> {
  const del = await rtnl.batch(Array.from({ length: n }, (_, i) => () => rtnl.routes.delete({ dst: dst(i), oif, table })));
  if (!del.every((r) => r.ok)) throw new Error('a batched delete failed');
}

/** The floor's requests: what routes.add sends for the /32s dst(0) .. dst(n-1) (rtmsg, RTA_DST, RTA_OIF), ACK asked. */
function addRequests(n: number, oif: number, table: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => {
    const b = Buffer.alloc(44);
    b.writeUInt32LE(44, 0);
    b.writeUInt16LE(RTM_NEWROUTE, 4);
    b.writeUInt16LE(NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, 6);
    b.writeUInt32LE(i + 1, 8);
    b.set([2, 32, 0, 0, table, 3, 253, 1], 16); // inet, /32, tos 0, table, boot, scope link, unicast
    b.set([8, 0, 1, 0, 198, 18, (i >> 8) & 255, i & 255], 28); // RTA_DST
    b.writeUInt16LE(8, 36);
    b.writeUInt16LE(4, 38); // RTA_OIF
    b.writeUInt32LE(oif, 40);
    return b;
  });
}

/** The floor's add: the request's bytes sent and its ACK read through the library's socket. */
function floorAdd(t: { send(d: Uint8Array): void; receive(): Uint8Array | null }, request: Buffer): void {
  t.send(request);
  const ack = t.receive();
  if (ack === null || ack.length < 20 || new DataView(ack.buffer, ack.byteOffset).getInt32(16, true) !== 0) throw new Error('a floor add failed');
}

/**
 * The API floor: the least a promise-returning add of a route object `{ dst, oif, table }` costs.
 * The object is checked for what the request needs, its IPv4 prefix parsed without allocating,
 * the 44-byte request written into one reused buffer, sent, and its ACK read and checked, all
 * behind an awaited async call. The library's add does this and more (every key and field checked,
 * defaults of `ip route add`, IPv6, interface names, errors that name their request, pipelining).
 */
function apiFloorAdder(t: { send(d: Uint8Array): void; receive(): Uint8Array | null }): (spec: { dst: string; oif: number; table: number }) => Promise<void> {
  const b = Buffer.alloc(44);
  const v = new DataView(b.buffer, b.byteOffset, 44);
  const addr = new Uint8Array(4);
  let seq = 1;
  return async (spec) => {
    if (spec === null || typeof spec !== 'object' || typeof spec.dst !== 'string') throw new TypeError('route: expected { dst, oif, table }');
    // The library's own hand-written scanner: the least parsing of the prefix there is.
    const end = scanIPv4(spec.dst, addr);
    if (end < 0 || spec.dst.charCodeAt(end) !== 47) throw new TypeError('dst: expected an IPv4 prefix');
    let len = 0;
    for (let i = end + 1; i < spec.dst.length; i++) len = len * 10 + spec.dst.charCodeAt(i) - 48;
    if (len > 32 || !Number.isInteger(spec.oif) || !Number.isInteger(spec.table)) throw new TypeError('route: bad prefix length, oif or table');
    v.setUint32(0, 44, true);
    v.setUint16(4, RTM_NEWROUTE, true);
    v.setUint16(6, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, true);
    v.setUint32(8, seq++, true);
    v.setUint32(12, 0, true);
    v.setUint32(16, 2 | (len << 8), true); // inet, dst_len, src_len 0, tos 0
    v.setUint32(20, spec.table | (3 << 8) | (253 << 16) | (1 << 24), true); // table, boot, scope link, unicast
    v.setUint32(24, 0, true);
    v.setUint32(28, 0x00010008, true); // RTA_DST, 8 bytes
    b.set(addr, 32);
    v.setUint32(36, 0x00040008, true); // RTA_OIF
    v.setUint32(40, spec.oif, true);
    t.send(b);
    const ack = t.receive();
    if (ack === null || ack.length < 20 || new DataView(ack.buffer, ack.byteOffset).getInt32(16, true) !== 0) throw new Error('an API floor add failed');
  };
}

/** The C reference in this process (bench/.build/cref.so through ffi-rs): its socket opened in `ns`. */
function openCref(so: string, ns: string): { dump(route: number, family: number, table: number): number; adds(first: number, n: number, oif: number, table: number): number } {
  const ffi = createRequire(import.meta.url)('ffi-rs') as typeof FfiRs;
  ffi.open({ library: 'cref', path: so });
  ffi.load({ library: 'cref', funcName: 'cref_open', retType: ffi.DataType.I32, paramsType: [ffi.DataType.String], paramsValue: [ns] });
  const I32 = ffi.DataType.I32;
  return {
    dump: (route, family, table) => ffi.load({ library: 'cref', funcName: 'cref_dump', retType: ffi.DataType.Double, paramsType: [I32, I32, I32], paramsValue: [route, family, table] }) as number,
    adds: (first, n, oif, table) => ffi.load({ library: 'cref', funcName: 'cref_adds', retType: ffi.DataType.Double, paramsType: [I32, I32, I32, I32], paramsValue: [first, n, oif, table] }) as number,
  };
}

/**
 * The C reference, the JS floor, the library and its floors (the object floor, the decoder floor)
 * take turns dump by dump in this one process, `rounds` times, in an order that rotates every
 * round; each one's result is held until its next turn has ended. On this shared machine the
 * kernel's own dump time drifts by up to 2x within seconds: only dumps made moments apart compare.
 * Warm figures are from the second half of the rounds (settled: V8 has optimised the decoder), and
 * the ratios are the medians of each round's own ratio; `floors_ratio_warm` is that of the JS floor
 * and the object floor together.
 */
async function paired(rounds: number, c: () => number, floor: () => Promise<number>, lib: () => Promise<number>, more: { objects?: () => Promise<number>; handwritten?: () => Promise<number> }): Promise<Record<string, number>> {
  type Who = 'c' | 'floor' | 'lib' | 'objects' | 'handwritten';
  const t: Record<Who, number[]> = { c: [], floor: [], lib: [], objects: [], handwritten: [] };
  let count = 0;
  const timed = async (who: Who, fn: () => Promise<number>): Promise<void> => {
    const t0 = performance.now();
    const n = await fn();
    t[who].push(performance.now() - t0);
    if (who === 'lib') count = n;
  };
  const steps: Partial<Record<Who, () => Promise<void>>> = {
    c: async () => {
      t.c.push(c());
    },
    floor: () => timed('floor', floor),
    lib: () => timed('lib', lib),
  };
  if (more.objects !== undefined) steps.objects = () => timed('objects', more.objects as () => Promise<number>);
  if (more.handwritten !== undefined) steps.handwritten = () => timed('handwritten', more.handwritten as () => Promise<number>);
  const order = Object.keys(steps) as Who[];
  for (let i = 0; i < rounds; i++) for (let k = 0; k < order.length; k++) await (steps[order[(i + k) % order.length]] as () => Promise<void>)();
  const { out, late, ratios } = turnFigures(t, rounds, count, 'ms');
  if (more.objects !== undefined) {
    out.objects_warm_ms = median(late(t.objects));
    out.objects_ratio_warm = median(ratios(t.objects));
    out.floors_ratio_warm = median(ratios(t.floor.map((f, i) => f + t.objects[i])));
  }
  if (more.handwritten !== undefined) {
    out.handwritten_warm_ms = median(late(t.handwritten));
    out.handwritten_ratio_warm = median(ratios(t.handwritten));
  }
  return out;
}

/**
 * The figures of turns taken by C, the JS floor and the library (times in `unit` per turn): warm
 * is the second half of the rounds, ratios are each round's own against C's of that round.
 */
function turnFigures(t: { c: number[]; floor: number[]; lib: number[] }, rounds: number, count: number, unit: 'ms' | 'us') {
  const from = Math.floor(rounds / 2);
  const late = (xs: number[]): number[] => xs.slice(from);
  const ratios = (xs: number[]): number[] => late(xs).map((x, i) => x / late(t.c)[i]);
  const out: Record<string, number> = {
    count,
    rounds,
    settled_from: from,
    [`c_warm_${unit}`]: median(late(t.c)),
    [`floor_warm_${unit}`]: median(late(t.floor)),
    [`lib_warm_${unit}`]: median(late(t.lib)),
    ratio_warm: median(ratios(t.lib)),
    floor_ratio_warm: median(ratios(t.floor)),
    ratio_p10: quantile(ratios(t.lib), 0.1),
    ratio_p90: quantile(ratios(t.lib), 0.9),
  };
  return { out, late, ratios };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(s.length * q))];
}

async function main(): Promise<void> {
  const rtnl = await Rtnl.open({ netns: ns });
  let out: Record<string, unknown>;
  try {
    switch (mode) {
      case 'dump-routes':
      case 'dump-links':
      case 'floor-routes':
      case 'floor-stream':
      case 'floor-links': {
        const what = dumpOf(mode);
        const table = what === 'routes' ? Number(rest[0]) : 0;
        const dump = mode.startsWith('floor') ? floorDump : libDump;
        out = await runs(Number(what === 'routes' ? rest[1] : rest[0]), () => dump(rtnl, what, table));
        break;
      }
      case 'paired-routes':
      case 'paired-links':
      case 'paired-stream': {
        const what = dumpOf(mode);
        const table = what === 'routes' ? Number(rest[0]) : 0;
        const c = openCref(rest[what === 'routes' ? 2 : 1], ns);
        // The object floor (as many objects as the dump gives) and the decoder floor take their turns too (not for the stream).
        const n = await libDump(rtnl, what, table);
        out = await paired(
          Number(what === 'routes' ? rest[1] : rest[0]),
          // The stream's dump is every IPv4 route (family AF_INET, every table).
          () => c.dump(what === 'links' ? 0 : 1, what === 'stream' ? 2 : 0, table),
          () => floorDump(rtnl, what, table),
          () => libDump(rtnl, what, table),
          what === 'stream' ? {} : { objects: what === 'routes' ? routeObjects(n, false) : linkObjects(n), handwritten: () => handwrittenDump(rtnl, what, table) },
        );
        break;
      }
      case 'paired-add': {
        const [oifText, nText, roundsText, so] = rest;
        const oif = Number(oifText);
        const N = Number(nText);
        const rounds = Number(roundsText);
        const table = 100;
        const c = openCref(so, ns);
        const requests = addRequests(N, oif, table);
        const t = rtnl.connection.transport;
        const removeAll = (): Promise<void> => deleteAdded(rtnl, N, oif, table);
        const times: Record<'c' | 'floor' | 'api' | 'lib', number[]> = { c: [], floor: [], api: [], lib: [] };
        const apiAdd = apiFloorAdder(t);
        const steps: Record<'c' | 'floor' | 'api' | 'lib', () => Promise<void>> = {
          c: async () => {
            times.c.push((c.adds(0, N, oif, table) * 1000) / N);
          },
          floor: async () => {
            const t0 = performance.now();
            for (let i = 0; i < N; i++) floorAdd(t, requests[i]);
            times.floor.push(((performance.now() - t0) * 1000) / N);
            await removeAll();
          },
          api: async () => {
            const t0 = performance.now();
            for (let i = 0; i < N; i++) await apiAdd({ dst: dst(i), oif, table });
            times.api.push(((performance.now() - t0) * 1000) / N);
            await removeAll();
          },
          lib: async () => {
            const t0 = performance.now();
            for (let i = 0; i < N; i++) await rtnl.routes.add({ dst: dst(i), oif, table });
            times.lib.push(((performance.now() - t0) * 1000) / N);
            await removeAll();
          },
        };
        const order = ['c', 'floor', 'api', 'lib'] as const;
        for (let i = 0; i < rounds; i++) for (let k = 0; k < order.length; k++) await steps[order[(i + k) % order.length]]();
        const figures = turnFigures(times, rounds, N, 'us');
        const late = figures.late;
        out = {
          ...figures.out,
          lib_to_floor_warm: median(late(times.lib).map((x, i) => x / late(times.floor)[i])),
          api_floor_warm_us: median(late(times.api)),
          api_floor_ratio_warm: median(late(times.api).map((x, i) => x / late(times.c)[i])),
          lib_to_api_floor_warm: median(late(times.lib).map((x, i) => x / late(times.api)[i])),
        };
        break;
      }
      case 'stream':
      case 'stream-batches': {
        let peak = 0;
        out = await runs(Number(rest[0]), async () => {
          let n = 0;
          if (mode === 'stream') {
            for await (const r of rtnl.routes.stream({ table: 'all', family: 'inet' })) if (r.dst !== undefined) n++;
          } else {
            n = await streamBatches(rtnl);
          }
          peak = Math.max(peak, vmHwmMb());
          return n;
        });
        out.peak_rss_mb = peak;
        break;
      }
      case 'add': {
        const [oifText, nText, roundsText, how] = rest;
        const oif = Number(oifText);
        const N = Number(nText);
        const table = 100;
        const us: number[] = [];
        const cpu: number[] = [];
        const requests = !how.startsWith('floor') ? [] : addRequests(N, oif, table);
        const t = rtnl.connection.transport;
        // The same behind an awaited call: what any promise-returning API adds to it.
        const floorAddAsync = async (i: number): Promise<void> => floorAdd(t, requests[i]);
        for (let round = 0; round < Number(roundsText); round++) {
          const c0 = cpuMs();
          const t0 = performance.now();
          if (how === 'seq') {
            for (let i = 0; i < N; i++) await rtnl.routes.add({ dst: dst(i), oif, table });
          } else if (how === 'floor') {
            for (let i = 0; i < N; i++) floorAdd(t, requests[i]);
          } else if (how === 'floor-await') {
            for (let i = 0; i < N; i++) await floorAddAsync(i);
          } else if (how === 'batch') {
            const res = await rtnl.batch(Array.from({ length: N }, (_, i) => () => rtnl.routes.add({ dst: dst(i), oif, table })));
            if (!res.every((r) => r.ok)) throw new Error('a batched add failed');
          } else {
            await Promise.all(Array.from({ length: N }, (_, i) => rtnl.routes.add({ dst: dst(i), oif, table })));
          }
          us.push(((performance.now() - t0) * 1000) / N);
          cpu.push(((cpuMs() - c0) * 1000) / N);
          const listed = (await rtnl.routes.list({ table })).length;
          if (listed !== N) throw new Error(`${listed} routes listed after adding ${N}`);
          await deleteAdded(rtnl, N, oif, table);
        }
        out = { count: N, cold_us: us[0], warm_us: median(us.slice(1)), cold_cpu_us: cpu[0], warm_cpu_us: median(cpu.slice(1)), rounds_us: us };
        break;
      }
      case 'events': {
        const expected = 2 * Number(rest[0]);
        let events = 0;
        let overruns = 0;
        let first = 0;
        let last = 0;
        const stream = rtnl.monitor(['ipv4-route']);
        const it = stream[Symbol.asyncIterator]();
        // The subscription exists once iteration has started: tell the parent to start producing.
        const firstEvent = it.next();
        process.stdout.write('ready\n');
        let idle: NodeJS.Timeout | undefined;
        const done = new Promise<void>((resolve) => {
          const arm = (): void => {
            clearTimeout(idle);
            idle = setTimeout(resolve, 3000);
          };
          arm();
          void (async () => {
            let r = await firstEvent;
            while (!r.done) {
              const ev = r.value;
              if (ev.type === 'overrun') overruns++;
              else if (ev.type === 'new' || ev.type === 'del') {
                if (events === 0) first = performance.now();
                events++;
                last = performance.now();
                if (events >= expected) break;
              }
              arm();
              r = await it.next();
            }
            resolve();
          })();
        });
        await done;
        clearTimeout(idle);
        stream.close();
        const seconds = (last - first) / 1000;
        out = { expected, events, lost: expected - events, overruns, per_second: seconds > 0 ? events / seconds : 0 };
        break;
      }
      case 'handwritten-routes':
        out = await runs(Number(rest[1]), () => handwrittenDump(rtnl, 'routes', Number(rest[0])));
        break;
      case 'handwritten-links':
        out = await runs(Number(rest[0]), () => handwrittenDump(rtnl, 'links', 0));
        break;
      case 'objects-routes':
        out = await runs(Number(rest[1]), routeObjects(Number(rest[0]), rest[2] === 'template'));
        break;
      case 'objects-links':
        out = await runs(Number(rest[1]), linkObjects(Number(rest[0])));
        break;
      case 'wire-routes': {
        const table = Number(rest[0]);
        out = await runs(Number(rest[1]), async () => {
          const r = (await dumpObjects(rtnl.connection, RTM_GETROUTE, RTM_NEWROUTE, routeMessage, routeQuery(table))).items;
          hold(r);
          return r.length;
        });
        break;
      }
      case 'wire-links':
        out = await runs(Number(rest[0]), async () => {
          const r = (await dumpObjects(rtnl.connection, RTM_GETLINK, RTM_NEWLINK, linkMessage, { family: 'unspec', type: 0, index: 0, flags: [], change: [] } as never)).items;
          hold(r);
          return r.length;
        });
        break;
      case 'bytes-routes': {
        const table = Number(rest[0]);
        out = {
          model_bytes_per_route: await heldBytesPerObject(() => rtnl.routes.list({ table })),
          wire_bytes_per_route: await heldBytesPerObject(async () => (await dumpObjects(rtnl.connection, RTM_GETROUTE, RTM_NEWROUTE, routeMessage, routeQuery(table))).items),
        };
        break;
      }
      default:
        throw new Error(`unknown mode ${mode}`);
    }
  } finally {
    rtnl.close();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
