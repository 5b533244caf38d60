// vitest globalSetup: removes leftover test namespaces, and checks that the run did not change the
// initial network namespace's list of links.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const PREFIX = 'rtnltest-';

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Names of the links of the initial network namespace (this process's), sorted. */
function initialLinkNames(): string[] {
  return ip(['-br', 'link'])
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n !== '')
    .map((n) => n.replace(/@.*$/, ''))
    .sort();
}

function processAlive(pid: number): boolean {
  return fs.existsSync(`/proc/${pid}`);
}

/**
 * Deletes namespaces named `rtnltest-PID-*` whose creating process (the pid in the name) is gone.
 * Namespaces of a live process are left alone: another test run may be using them.
 */
function deleteLeftovers(): string[] {
  const deleted: string[] = [];
  const names = ip(['netns', 'list'])
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.startsWith(PREFIX));
  for (const name of names) {
    const pid = Number(/^rtnltest-(\d+)-/.exec(name)?.[1]);
    // Only the harness's own names (rtnltest-PID-...) of a dead process: a name without a pid was
    // made by hand, by someone still using it.
    if (!Number.isInteger(pid) || pid <= 0 || processAlive(pid)) continue;
    try {
      ip(['netns', 'delete', name]);
      deleted.push(name);
    } catch {
      // deleted meanwhile
    }
  }
  return deleted;
}

let linksBefore: string[] = [];

/** Runs once before all test files. */
export function setup(): void {
  const deleted = deleteLeftovers();
  if (deleted.length > 0) console.warn(`global-setup: deleted leftover test namespaces: ${deleted.join(', ')}`);
  linksBefore = initialLinkNames();
}

/** Runs once after all test files. */
export function teardown(): void {
  const deleted = deleteLeftovers();
  if (deleted.length > 0) console.warn(`global-setup: test files left namespaces behind (now deleted): ${deleted.join(', ')}`);
  const linksAfter = initialLinkNames();
  if (linksAfter.join(',') !== linksBefore.join(',')) {
    const added = linksAfter.filter((n) => !linksBefore.includes(n));
    const removed = linksBefore.filter((n) => !linksAfter.includes(n));
    throw new Error(
      `The tests changed the INITIAL network namespace's links: before [${linksBefore.join(', ')}], ` +
        `after [${linksAfter.join(', ')}]; added [${added.join(', ')}], removed [${removed.join(', ')}]. ` +
        'Every kernel test must work inside its own namespace (test/harness/netns.ts); clean up by hand.',
    );
  }
}
