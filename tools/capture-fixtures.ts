/**
 * Second half of tools/capture-fixtures.sh: turns the strace outputs and metadata it left in a work
 * directory into test/fixtures/kernel/<name>.json files.
 *
 * Usage: `npx tsx tools/capture-fixtures.ts WORK_DIR OUT_DIR`. For each `WORK_DIR/<name>.meta`
 * (tab-separated `key\tvalue` lines written by the shell script) it reads `<name>.strace` and, when
 * present, `<name>.ipjson`. Only the traffic of NETLINK_ROUTE sockets is kept. Every `*.json` in
 * OUT_DIR is replaced: the directory holds generated files only.
 *
 * @module
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStraceDump } from '../src/netlink/strace.js';

/** One datagram of a fixture file. */
export interface FixtureDatagram {
  /** `sent` by iproute2 to the kernel, or `received` from it. */
  direction: 'sent' | 'received';
  /** The socket's fd inside the traced `ip` process (iproute2 opens a second socket for some lookups). */
  fd: number;
  /** The datagram's bytes, as lowercase hex without separators. */
  hex: string;
}

/** The contents of one test/fixtures/kernel/<name>.json file. */
export interface KernelFixture {
  /** The traced command, exactly as run. */
  command: string;
  /** The commands that built the state the command ran in, in order, starting from nothing. */
  setup: string[];
  /** `uname -r` of the capturing machine. */
  kernel: string;
  /** `ip -V` of the capturing machine. */
  iproute2: string;
  /** Exit status of the traced command (non-zero for the error fixtures). */
  exitStatus: number;
  /** What the traced command printed on stderr, when anything. */
  stderr?: string;
  /** What the traced command printed on stdout, when the capture keeps it (tc 6.1 prints classes as text only). */
  stdout?: string;
  /** Anything unusual about how the fixture was captured. */
  note?: string;
  /** The NETLINK_ROUTE datagrams, in the order strace saw them. */
  datagrams: FixtureDatagram[];
  /** The command whose output is {@link KernelFixture.ipJson}, for show commands. */
  ipJsonCommand?: string;
  /** Parsed output of the same show command with `-j -d`, run right after the traced one. */
  ipJson?: unknown;
}

function readMeta(path: string): Map<string, string[]> {
  const meta = new Map<string, string[]>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    if (tab < 0) throw new Error(`${path}: line without a tab: ${line}`);
    const key = line.slice(0, tab);
    const list = meta.get(key) ?? [];
    list.push(line.slice(tab + 1));
    meta.set(key, list);
  }
  return meta;
}

function one(meta: Map<string, string[]>, key: string, path: string): string {
  const v = meta.get(key);
  if (!v || v.length !== 1) throw new Error(`${path}: expected exactly one "${key}" line`);
  return v[0];
}

/**
 * Throws unless `bytes` is a sequence of whole, 4-byte-aligned netlink messages. With `allowZeroTail`
 * (sent datagrams) it also accepts trailing zero bytes: iproute2 sends some dump requests as its
 * whole request buffer (`send(fd, &req, sizeof(req))`), and the kernel stops at a header whose
 * nlmsg_len is below 16. Returns the length of that ignored tail.
 */
function checkFraming(bytes: Uint8Array, where: string, allowZeroTail: boolean): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    const len = bytes.length - at >= 4 ? view.getUint32(at, true) : 0;
    if (len < 16 && allowZeroTail && at > 0 && bytes.subarray(at).every((b) => b === 0)) {
      return bytes.length - at;
    }
    if (bytes.length - at < 16) throw new Error(`${where}: ${bytes.length - at} trailing bytes at ${at}`);
    if (len < 16 || at + len > bytes.length) throw new Error(`${where}: bad nlmsg_len ${len} at ${at}`);
    at += (len + 3) & ~3;
  }
  if (at !== bytes.length) throw new Error(`${where}: messages overrun the datagram`);
  return 0;
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function main(): void {
  const [work, out] = process.argv.slice(2);
  if (!work || !out) throw new Error('usage: tsx tools/capture-fixtures.ts WORK_DIR OUT_DIR');
  const names = readdirSync(work)
    .filter((f) => f.endsWith('.meta'))
    .map((f) => f.slice(0, -'.meta'.length))
    .sort();
  if (names.length === 0) throw new Error(`${work}: no .meta files`);

  const fixtures = new Map<string, KernelFixture>();
  for (const name of names) {
    const metaPath = join(work, `${name}.meta`);
    const meta = readMeta(metaPath);
    const all = parseStraceDump(readFileSync(join(work, `${name}.strace`), 'utf8'));
    const dropped = new Set<string>();
    const datagrams: FixtureDatagram[] = [];
    for (const d of all) {
      if (!d.socket) throw new Error(`${name}: fd ${d.fd} has no traced socket() call`);
      if (d.socket.domain !== 'AF_NETLINK' || d.socket.protocol !== 'NETLINK_ROUTE') {
        dropped.add(`fd ${d.fd} (${d.socket.domain}, ${d.socket.protocol})`);
        continue;
      }
      const tail = checkFraming(d.bytes, `${name}: datagram ${datagrams.length}`, d.direction === 'sent');
      if (tail > 0) console.error(`${name}: sent datagram ${datagrams.length} ends with ${tail} zero bytes after its messages`);
      datagrams.push({ direction: d.direction, fd: d.fd, hex: toHex(d.bytes) });
    }
    if (dropped.size > 0) console.error(`${name}: dropped traffic of ${[...dropped].join(', ')}`);
    if (!datagrams.some((d) => d.direction === 'sent') || !datagrams.some((d) => d.direction === 'received')) {
      throw new Error(`${name}: expected traffic in both directions`);
    }

    const fixture: KernelFixture = {
      command: one(meta, 'command', metaPath),
      setup: meta.get('setup') ?? [],
      kernel: one(meta, 'kernel', metaPath),
      iproute2: one(meta, 'iproute2', metaPath),
      exitStatus: Number(one(meta, 'exitStatus', metaPath)),
      datagrams,
    };
    const stderr = readFileSync(join(work, `${name}.stderr`), 'utf8').trim();
    if (stderr) fixture.stderr = stderr;
    if (meta.has('keepStdout')) fixture.stdout = readFileSync(join(work, `${name}.stdout`), 'utf8');
    if (meta.has('note')) fixture.note = one(meta, 'note', metaPath);
    if (meta.has('ipJsonCommand')) {
      fixture.ipJsonCommand = one(meta, 'ipJsonCommand', metaPath);
      fixture.ipJson = JSON.parse(readFileSync(join(work, `${name}.ipjson`), 'utf8'));
    }
    // Field order as documented: ipJson last, it is the bulkiest part for humans.
    fixtures.set(name, {
      command: fixture.command,
      setup: fixture.setup,
      kernel: fixture.kernel,
      iproute2: fixture.iproute2,
      exitStatus: fixture.exitStatus,
      ...(fixture.stderr !== undefined ? { stderr: fixture.stderr } : {}),
      ...(fixture.stdout !== undefined ? { stdout: fixture.stdout } : {}),
      ...(fixture.note !== undefined ? { note: fixture.note } : {}),
      datagrams: fixture.datagrams,
      ...(fixture.ipJsonCommand !== undefined ? { ipJsonCommand: fixture.ipJsonCommand, ipJson: fixture.ipJson } : {}),
    });
  }

  // ONLY=a,b (see capture-fixtures.sh) refreshes those fixtures and leaves the others as they are.
  if (!process.env.ONLY) for (const f of readdirSync(out)) if (f.endsWith('.json')) rmSync(join(out, f));
  for (const [name, fixture] of fixtures) {
    writeFileSync(join(out, `${name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
    console.error(`wrote ${name}.json (${fixture.datagrams.length} datagrams)`);
  }
}

main();
