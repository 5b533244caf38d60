// The `rtnl` command as a process (src/cli/process.ts, run from the sources with tsx): its output
// reaches a pipe whole, and `monitor`, the command that waits, catches SIGINT and SIGTERM and ends
// cleanly with status 0 (the handlers are installed when a command reads io.signal; without them
// Node ends the process on the signal).

import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestNetns } from '../harness/netns.js';

const ns = useTestNetns();
const BIN = path.resolve(import.meta.dirname, '../../src/cli/bin.ts');
const env = { ...process.env, NODE_OPTIONS: '' };

describe('rtnl as a process', () => {
  it('writes its output to a pipe whole', () => {
    for (let i = 0; i < 64; i++) ns.ip(`link add a${i} type veth peer name b${i}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', BIN, '-n', ns.name, '-j', '-d', 'link', 'show'], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const names = (JSON.parse(r.stdout) as { ifname: string }[]).map((l) => l.ifname);
    expect(names.sort()).toEqual(['lo', ...Array.from({ length: 64 }, (_, i) => [`a${i}`, `b${i}`]).flat()].sort());
    expect(r.stdout.length).toBeGreaterThan(65536); // more than a pipe holds at once
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`ends monitor on ${signal} with status 0`, async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', BIN, '-n', ns.name, 'monitor', 'link'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, sig) => resolve([code, sig])));
      // Running once it prints an event: a link made in the namespace until it does.
      const deadline = Date.now() + 20_000;
      for (let i = 0; !stdout.includes('mon'); i++) {
        if (Date.now() > deadline) throw new Error(`monitor printed nothing: ${stderr}`);
        ns.ip(`link add mon${signal}${i} type veth peer name peer${signal}${i}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      child.kill(signal);
      expect(await ended).toEqual([0, null]);
      expect(stderr).toBe('');
    });
  }
});
