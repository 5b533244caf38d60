// A throw-away network namespace per test file, created with iproute2 and always removed.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { addNetns as libraryAddNetns, deleteNetns as libraryDeleteNetns, netnsExists as libraryNetnsExists } from '../../src/ns/netns.js';

/** Prefix of every namespace the tests create; global-setup.ts removes leftovers by it. */
export const TEST_NETNS_PREFIX = 'rtnltest-';

/** A test's network namespace and helpers to inspect it with iproute2. */
export interface TestNetns {
  /** The namespace's name, `rtnltest-<pid>-<random>`. */
  readonly name: string;
  /** Its file, `/run/netns/<name>`: open it read-only to get a namespace fd. */
  readonly path: string;
  /** Runs `ip -n <name> <args>` and returns stdout. A string is split on whitespace. */
  ip(args: string | readonly string[]): string;
  /** Runs `ip -j -n <name> <args>` and parses the JSON (an empty output gives `[]`). */
  ipJson<T>(args: string | readonly string[]): T;
}

/** Runs `ip` (never through a shell); throws with ip's stderr on failure. */
export function runIp(args: readonly string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; status?: number };
    throw new Error(`ip ${args.join(' ')} failed (exit ${err.status ?? '?'}): ${(err.stderr ?? String(e)).trim()}`);
  }
}

function splitArgs(args: string | readonly string[]): string[] {
  return typeof args === 'string' ? args.trim().split(/\s+/).filter((a) => a !== '') : [...args];
}

/** Namespaces this process created and has not deleted yet. */
const live = new Set<string>();
let exitHooksInstalled = false;

/** Namespaces this process created with the library (deleted with it too). */
const byLibrary = new Set<string>();

function deleteNetns(name: string): void {
  try {
    if (byLibrary.has(name)) {
      if (libraryNetnsExists(name)) libraryDeleteNetns(name);
    } else {
      execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
    }
  } catch {
    // already gone
  }
  live.delete(name);
  byLibrary.delete(name);
}

function deleteAll(): void {
  for (const name of [...live]) deleteNetns(name);
}

// A crash or a signal must not leave namespaces behind.
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', deleteAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      deleteAll();
      process.removeListener(sig, handler);
      // Keep the signal's usual effect unless someone else handles it.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

/** How {@link useTestNetns} makes the namespace. */
export interface TestNetnsOptions {
  /**
   * Create and delete it with the library's own `addNetns`/`deleteNetns` instead of `ip netns`:
   * for tests whose whole setup must be the library's.
   */
  byLibrary?: boolean;
}

/**
 * Creates a uniquely named network namespace in `beforeAll` and deletes it in `afterAll` (and at
 * process exit or on a signal, whatever happens). Call at the top of a test file or `describe`.
 */
export function useTestNetns(options: TestNetnsOptions = {}): TestNetns {
  const name = `${TEST_NETNS_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
  const path = `/run/netns/${name}`;
  beforeAll(() => {
    installExitHooks();
    live.add(name);
    if (options.byLibrary) {
      byLibrary.add(name);
      libraryAddNetns(name);
    } else {
      runIp(['netns', 'add', name]);
    }
  });
  afterAll(() => {
    deleteNetns(name);
  });
  return {
    name,
    path,
    ip: (args) => runIp(['-n', name, ...splitArgs(args)]),
    ipJson: <T>(args: string | readonly string[]): T => {
      const out = runIp(['-j', '-n', name, ...splitArgs(args)]).trim();
      return (out === '' ? [] : JSON.parse(out)) as T;
    },
  };
}
