// The demo: it passes its checks, and leaves nothing behind, also when interrupted halfway.

import { execFileSync, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';

const demoNamespaces = (): string[] =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith('rtnl-demo-'));

const children: ReturnType<typeof spawn>[] = [];
const outputs = new WeakMap<ReturnType<typeof spawn>, () => string>();

function runDemo(args: string[], env: NodeJS.ProcessEnv = {}): { child: ReturnType<typeof spawn>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/demo.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  outputs.set(child, () => out);
  return { child, output: () => out };
}

/** The demo's exit code; a demo still running after 100 s fails the test with what it printed so far. */
const exited = (child: ReturnType<typeof spawn>): Promise<number | null> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not end in 100 s; its output so far:\n${outputs.get(child)?.() ?? ''}`)), 100_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });

// Its speed is the benchmark's business, not a test's: a whole suite on a loaded 2-core machine
// took the plain demo past vitest's 30 s default, so each run gets as long as it needs.
const DEMO_TIMEOUT = 120_000;

// A demo a failed or timed-out test leaves running is interrupted (it then removes what it made).
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGINT');
});

describe('demo', () => {
  // Only what it does is checked here.
  it('passes every check and removes everything', async () => {
    const { child, output } = runDemo([]);
    expect(await exited(child), output()).toBe(0);
    expect(output()).toMatch(/demo: all \d+ checks passed/);
    expect(output()).toContain('scenario 2: c1 -> c2 through br0');
    expect(output()).toContain('<==veth==>');
    // Its scenarios are numbered 1, 2, 3, and every IPv4 address it uses is in a documentation
    // range (RFC 5737), or the namespace's own loopback.
    expect([...new Set([...output().matchAll(/scenario (\d+):/g)].map((m) => Number(m[1])))]).toEqual([1, 2, 3]);
    const v4 = output().match(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g) ?? [];
    expect(v4.length).toBeGreaterThan(10);
    expect(v4.filter((a) => !/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$|^127\.0\.0\.1$/.test(a))).toEqual([]);
    expect(demoNamespaces().filter((n) => n.includes(`-${child.pid}-`))).toEqual([]);
  }, DEMO_TIMEOUT);

  it('with --tc also shapes a pod the CNI way and measures it: each direction within 20%, unshaped again after', async () => {
    const { child, output } = runDemo(['--tc']);
    expect(await exited(child), output()).toBe(0);
    expect(output()).toMatch(/demo: all \d+ checks passed/);
    expect([...new Set([...output().matchAll(/scenario (\d+):/g)].map((m) => Number(m[1])))]).toEqual([1, 2, 3, 4]);
    // The summary: each direction's configured and measured rate, and the unshaped speed.
    const row = (dir: string): string[] => (output().split('\n').find((l) => l.startsWith(dir)) ?? '').split(/\s{2,}/);
    const rate = (cell: string | undefined): number => Number(/^([\d.]+) Mbit\/s$/.exec(cell ?? '')?.[1]);
    const [, , toConfigured, toMeasured, , toFree] = row('host -> pod');
    const [, , fromConfigured, fromMeasured, , fromFree] = row('pod -> host');
    expect([rate(toConfigured), rate(fromConfigured)]).toEqual([8, 4]);
    expect(Math.abs(rate(toMeasured) - 8) / 8).toBeLessThanOrEqual(0.2);
    expect(Math.abs(rate(fromMeasured) - 4) / 4).toBeLessThanOrEqual(0.2);
    expect(rate(toFree)).toBeGreaterThan(3 * 8);
    expect(rate(fromFree)).toBeGreaterThan(3 * 4);
    expect(output()).toContain('mirred egress redirect to bwp-pod');
    expect(output()).not.toMatch(/^FAIL/m);
    const v4 = output().match(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g) ?? [];
    expect(v4.filter((a) => !/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$|^127\.0\.0\.1$/.test(a))).toEqual([]);
    expect(demoNamespaces().filter((n) => n.includes(`-${child.pid}-`))).toEqual([]);
  }, DEMO_TIMEOUT);

  it('prints a Mermaid diagram with --mermaid', async () => {
    const { child, output } = runDemo(['--mermaid']);
    expect(await exited(child), output()).toBe(0);
    expect(output()).toMatch(/graph LR[\s\S]*---\|veth\|/);
  }, DEMO_TIMEOUT);

  it('leaves nothing behind when interrupted with Ctrl-C halfway', async () => {
    const { child, output } = runDemo([], { RTNL_DEMO_HOLD: '1' });
    for (let i = 0; i < 200 && !output().includes('holding'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(output()).toContain('holding');
    expect(demoNamespaces().filter((n) => n.includes(`-${child.pid}-`)).length).toBeGreaterThan(0);
    child.kill('SIGINT');
    expect(await exited(child)).toBe(130);
    expect(demoNamespaces().filter((n) => n.includes(`-${child.pid}-`))).toEqual([]);
  }, DEMO_TIMEOUT);
});
