// How ffi-rs's platform binary is loaded (src/sys/ffi.ts): on this machine (Linux, glibc, npm's
// node_modules) it is found without Node's resolver and opened with process.dlopen, and it is the
// very file require() would load.

import { spawnSync } from 'node:child_process';
import fs, { realpathSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { elfInterpreter, ffiBinaryPath, ffiLoadedDirectly, loadFfiRs, mapsShowGlibc } from '../../src/sys/ffi.js';

describe('loading ffi-rs', () => {
  it('finds the platform binary that require() would load, and opens it directly', () => {
    const ffi = loadFfiRs();
    expect(ffiLoadedDirectly()).toBe(true);
    const fromFfi = createRequire(createRequire(import.meta.url).resolve('ffi-rs'));
    const expected = fromFfi.resolve(`@yuuang/ffi-rs-linux-${process.arch}-gnu`);
    const found = ffiBinaryPath();
    expect(found).toBeDefined();
    expect(realpathSync(found as string)).toBe(realpathSync(expected));
    // What the library uses of it works: open libc and call getpid().
    ffi.open({ library: 'ffi-load-test', path: '' });
    const pid = ffi.load({ library: 'ffi-load-test', funcName: 'getpid', retType: ffi.DataType.I32, paramsType: [], paramsValue: [] });
    expect(pid).toBe(process.pid);
  });
});

describe('ffi-rs in worker threads', () => {
  // Node unloads an addon when the worker thread that first loaded it ends, and ffi-rs (napi-rs)
  // leaves thread-exit hooks pointing into its code: unless the binary is opened with
  // RTLD_NODELETE, the whole process then dies of SIGSEGV (test/harness/ffi-in-workers.mjs).
  it('a worker that loads ffi-rs first can end without taking the process down', () => {
    const script = path.resolve(import.meta.dirname, '../harness/ffi-in-workers.mjs');
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect({ status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, signal: null, stdout: 'all ended\n', stderr: '' });
  });
});

describe('which C library this process runs on', () => {
  it("the executable's ELF interpreter is the dynamic loader mapped into the process, and says what the maps say", () => {
    const interp = elfInterpreter('/proc/self/exe');
    expect(interp).toMatch(/^\/.*\/ld-(linux|musl)[-\w.]*\.so\.\d+$/);
    const maps = fs.readFileSync('/proc/self/maps', 'latin1');
    const mapped = new Set(maps.split('\n').map((l) => l.split(/\s+/)[5]).filter((f) => f !== undefined && /\/ld-(linux|musl)/.test(f)));
    expect([...mapped]).toEqual([realpathSync(interp as string)]);
    expect(/\/ld-linux/.test(interp as string)).toBe(mapsShowGlibc());
  });

  it('a file that is not a 64-bit ELF executable with an interpreter in its first 4 KiB says nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtnetlink-elf-'));
    try {
      const write = (name: string, bytes: Buffer): string => {
        const f = path.join(dir, name);
        fs.writeFileSync(f, bytes);
        return f;
      };
      const header = (phoff: number, phnum: number): Buffer => {
        const b = Buffer.alloc(4096);
        b.writeUInt32BE(0x7f454c46, 0);
        b[4] = 2; // ELFCLASS64
        b[5] = 1; // little-endian
        b.writeBigUInt64LE(BigInt(phoff), 0x20);
        b.writeUInt16LE(56, 0x36);
        b.writeUInt16LE(phnum, 0x38);
        return b;
      };
      expect(elfInterpreter(write('text', Buffer.from('#!/bin/sh\necho\n')))).toBeUndefined();
      expect(elfInterpreter(write('short', header(64, 1).subarray(0, 40)))).toBeUndefined();
      // Program headers but no PT_INTERP (a static executable), and headers past the first 4 KiB.
      const noInterp = header(64, 2);
      noInterp.writeUInt32LE(1, 64); // PT_LOAD
      noInterp.writeUInt32LE(1, 120);
      expect(elfInterpreter(write('static', noInterp))).toBeUndefined();
      expect(elfInterpreter(write('far', header(1 << 20, 1)))).toBeUndefined();
      // A PT_INTERP naming a loader, and one whose string lies outside what was read.
      const withInterp = header(64, 1);
      withInterp.writeUInt32LE(3, 64);
      const name = '/lib/ld-musl-x86_64.so.1\0';
      withInterp.writeBigUInt64LE(512n, 64 + 8);
      withInterp.writeBigUInt64LE(BigInt(name.length), 64 + 32);
      withInterp.write(name, 512, 'latin1');
      expect(elfInterpreter(write('musl', withInterp))).toBe('/lib/ld-musl-x86_64.so.1');
      withInterp.writeBigUInt64LE(4090n, 64 + 8);
      expect(elfInterpreter(write('cut', withInterp))).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
