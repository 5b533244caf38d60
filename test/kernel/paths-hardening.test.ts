// Hostile paths: /run/netns entries that are not what addNetns makes (symlinks, directories, FIFOs),
// namespace paths that are not namespaces, deletes the kernel refuses, capture files behind
// symlinks or FIFOs, endless files given to `rtnl decode`, and failing opens that must release
// what they took. Real kernel; every namespace is a throw-away `rtnltest-*` one.

import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, RtnetlinkError } from '../../src/netlink/errors.js';
import { deleteNetns, listNetns, netnsExists, netnsIdentity, runInNetns } from '../../src/ns/netns.js';
import { NamespaceNotFoundError } from '../../src/ns/ref.js';
import { Rtnl } from '../../src/rtnl/rtnl.js';
import { readCaptureFile } from '../../src/netlink/capture/file.js';
import { CaptureFormatError } from '../../src/netlink/capture/types.js';
import { readCapture } from '../../src/netlink/capture/pcap.js';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtnl-paths-'));
/** Entries this file makes under /run/netns (symlinks, directories): removed in afterAll. */
const entries: string[] = [];
afterAll(() => {
  for (const e of entries) fs.rmSync(e, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** A fresh entry name under /run/netns (with the test prefix, so a crashed run's is cleaned up). */
function entry(): { name: string; path: string } {
  const name = `${ns.name}-e${n++}`;
  const p = `/run/netns/${name}`;
  entries.push(p);
  return { name, path: p };
}

/** Runs a TypeScript snippet in a fresh node (through tsx); a hang ends in a timeout failure. */
async function runNode(code: string, opts: { prefix?: string[]; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [...(opts.prefix ?? []), process.execPath, '--import', 'tsx', '--input-type=module', '-e', code];
  try {
    const { stdout, stderr } = await promisify(execFile)(args[0] as string, args.slice(1), { cwd: root, timeout: opts.timeoutMs ?? 20_000, killSignal: 'SIGKILL' });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number | string; killed?: boolean; stdout?: string; stderr?: string };
    if (err.killed) throw new Error(`the child did not finish within ${opts.timeoutMs ?? 20_000} ms (it hung)`);
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const src = (p: string): string => JSON.stringify(path.join(root, 'src', p));

describe('/run/netns entries that addNetns did not make', () => {
  it('deleteNetns refuses a symlink to another namespace and leaves that namespace mounted', () => {
    const link = entry();
    fs.symlinkSync(ns.path, link.path);
    const before = netnsIdentity(ns.name);
    expect(() => deleteNetns(link.name)).toThrow(RtnetlinkError);
    expect(() => deleteNetns(link.name)).toThrow(/symbolic link/);
    // The target is still a mounted namespace, the same one.
    expect(netnsExists(ns.name)).toBe(true);
    expect(netnsIdentity(ns.name)).toEqual(before);
    expect(fs.lstatSync(link.path).isSymbolicLink()).toBe(true);
  });

  it('netnsExists, listNetns and Rtnl.open({ netns: name }) do not take a symlink or a directory for a namespace', async () => {
    const link = entry();
    fs.symlinkSync(ns.path, link.path);
    const dirEntry = entry();
    fs.mkdirSync(dirEntry.path);
    const dirLink = entry();
    fs.symlinkSync('/tmp', dirLink.path);
    for (const e of [link, dirEntry, dirLink]) {
      expect(netnsExists(e.name)).toBe(false);
      expect(listNetns()).not.toContain(e.name);
      await expect(Rtnl.open({ netns: e.name })).rejects.toThrow(RtnetlinkError);
      expect(() => runInNetns(e.name, () => 1)).toThrow(RtnetlinkError);
      expect(() => deleteNetns(e.name)).toThrow(RtnetlinkError);
    }
    expect(listNetns()).toContain(ns.name);
    expect(netnsExists(ns.name)).toBe(true);
  });

  it('a path that is not a network namespace file is refused with an error saying what it is, and not entered', async () => {
    const before = netnsIdentity({ pid: process.pid });
    await expect(Rtnl.open({ netns: { path: '/etc/hostname' } })).rejects.toThrow(InvalidArgumentError);
    await expect(Rtnl.open({ netns: { path: '/etc/hostname' } })).rejects.toThrow('/etc/hostname is not a network namespace file: it is a regular file');
    const fd = fs.openSync('/etc/hostname', 'r');
    try {
      await expect(Rtnl.open({ netns: { fd } })).rejects.toThrow(`fd ${fd} is not a network namespace file: it is a regular file`);
    } finally {
      fs.closeSync(fd);
    }
    // A mount namespace file is a namespace, but not a network one.
    await expect(Rtnl.open({ netns: { path: '/proc/self/ns/mnt' } })).rejects.toThrow('/proc/self/ns/mnt is not a network namespace file: it is a namespace of another kind');
    // A directory under /run/netns is not a named namespace.
    const dirEntry = entry();
    fs.mkdirSync(dirEntry.path);
    await expect(Rtnl.open({ netns: dirEntry.name })).rejects.toThrow(`${dirEntry.path} is a directory, not a namespace made by addNetns`);
    expect(netnsIdentity({ pid: process.pid })).toEqual(before);
  });

  it('Rtnl.open({ netns: path }) on a FIFO does not block the process', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await runNode(`
      import { Rtnl } from ${src('index.ts')};
      try { await Rtnl.open({ netns: { path: ${JSON.stringify(fifo)} } }); console.log('opened'); }
      catch (e) { console.log(e.name + ': ' + e.message); }
    `);
    expect(r.stdout).toMatch(/InvalidArgumentError: .*not a network namespace/);
  });
});

describe('deletes the kernel refuses', () => {
  const noCaps = ['setpriv', '--inh-caps=-all', '--bounding-set=-all', '--'];

  it('deleteNetns without CAP_SYS_ADMIN fails naming the path and the errno, and the namespace stays', async () => {
    const r = await runNode(
      `
      import { deleteNetns } from ${src('ns/netns.ts')};
      try { deleteNetns(${JSON.stringify(ns.name)}); console.log('deleted'); }
      catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, path: e.path, message: e.message })); process.exitCode = 3; }
    `,
      { prefix: noCaps },
    );
    expect(r.stdout).not.toContain('deleted');
    const e = JSON.parse(r.stdout.trim()) as { name: string; code: string; path: string; message: string };
    expect(e).toMatchObject({ name: 'SystemError', code: 'EPERM', path: ns.path });
    expect(e.message).toContain(ns.path);
    expect(netnsExists(ns.name)).toBe(true);
  });

  it('`rtnl netns del` without CAP_SYS_ADMIN exits non-zero with the path and the errno', async () => {
    const r = await runNode(
      `
      import { main } from ${src('cli/main.ts')};
      process.exitCode = await main(['netns', 'del', ${JSON.stringify(ns.name)}], { stdout: process.stdout, stderr: process.stderr });
    `,
      { prefix: noCaps },
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(ns.path);
    expect(r.stderr).toContain('EPERM');
    expect(netnsExists(ns.name)).toBe(true);
  });
});

describe('capture files', () => {
  it('are created with mode 0600', async () => {
    const file = path.join(dir, 'mode.pcap');
    const old = process.umask(0);
    try {
      const rtnl = await Rtnl.open({ netns: ns.name, capture: file });
      rtnl.close();
    } finally {
      process.umask(old);
    }
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readCapture(fs.readFileSync(file)).length).toBeGreaterThanOrEqual(0);
  });

  it('are not written through a symlink at the final component: the target is left alone', async () => {
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'precious');
    const link = path.join(dir, 'link.pcap');
    fs.symlinkSync(victim, link);
    await expect(Rtnl.open({ netns: ns.name, capture: link })).rejects.toThrow(/symbolic link/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('refuse a FIFO without blocking the process', async () => {
    const fifo = path.join(dir, 'capture-fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await runNode(`
      import { Rtnl } from ${src('index.ts')};
      try { await Rtnl.open({ netns: ${JSON.stringify(ns.name)}, capture: ${JSON.stringify(fifo)} }); console.log('opened'); }
      catch (e) { console.log(e.name + ': ' + e.message); }
    `);
    expect(r.stdout).toMatch(/not a regular file/);
  });

  it('a failing Rtnl.open({ capture }) releases its socket and namespace fd (1,000 opens, fds flat)', async () => {
    const bad = path.join(dir, 'no-such-dir', 'x.pcap');
    const fds = (): number => fs.readdirSync('/proc/self/fd').length;
    await expect(Rtnl.open({ netns: ns.name, capture: bad })).rejects.toThrow();
    const before = fds();
    for (let i = 0; i < 1000; i++) await expect(Rtnl.open({ netns: ns.name, capture: bad })).rejects.toThrow();
    expect(fds()).toBe(before);
  });
});

describe('reading capture files', () => {
  it('rtnl decode /dev/zero ends at once with a clear error', async () => {
    const r = await runNode(`
      import { main } from ${src('cli/main.ts')};
      process.exitCode = await main(['decode', '/dev/zero'], { stdout: process.stdout, stderr: process.stderr });
    `);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not a capture/);
  });

  it('an endless text stream is read only up to the bound', async () => {
    const fifo = path.join(dir, 'endless');
    execFileSync('mkfifo', [fifo]);
    const r = await runNode(`
      import { spawn } from 'node:child_process';
      import { readCaptureFile } from ${src('netlink/capture/file.ts')};
      const yes = spawn('sh', ['-c', 'exec yes x > ${fifo}'], { stdio: 'ignore' });
      try { readCaptureFile(${JSON.stringify(fifo)}, { maxBytes: 1 << 20 }); console.log('read'); }
      catch (e) { console.log(e.name + ': ' + e.message); }
      yes.kill();
    `);
    expect(r.stdout).toMatch(/CaptureFormatError: .*more than 1048576 bytes/);
  });

  it('detects the format from the first bytes and refuses what is none of pcap, pcapng or strace text', () => {
    const f = path.join(dir, 'random.bin');
    fs.writeFileSync(f, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]));
    expect(() => readCaptureFile(f)).toThrow(CaptureFormatError);
    expect(() => readCaptureFile(f)).toThrow(/not a capture/);
    const big = path.join(dir, 'big.txt');
    fs.writeFileSync(big, 'x'.repeat(4096));
    expect(() => readCaptureFile(big, { maxBytes: 1024 })).toThrow(/more than 1024 bytes/);
  });
});
