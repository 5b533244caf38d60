// How ffi-rs's platform binary is loaded (src/sys/ffi.ts): on this machine (Linux, glibc, npm's
// node_modules) it is found without Node's resolver and opened with process.dlopen, and it is the
// very file require() would load.

import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffiBinaryPath, ffiLoadedDirectly, loadFfiRs } from '../../src/sys/ffi.js';

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
