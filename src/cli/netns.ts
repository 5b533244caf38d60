// rtnl netns list | add | del | list-id | set | exec | identify | pids | attach

import { type Dir, opendirSync } from 'node:fs';
import { constants } from 'node:os';

const osSignals: Readonly<Record<string, number>> = constants.signals;
import { addNetns, attachNetns, deleteNetns, execInNetns, identifyNetns, netnsPids } from '../ns/netns.js';
import { NetlinkError } from '../netlink/errors.js';
import { NETNS_RUN_DIR, NamespaceNotFoundError } from '../ns/ref.js';
import { Args, matchKeyword } from './args.js';
import type { Context } from './context.js';
import type { IpJsonObject } from './ipjson.js';
import { nsidToIpJson } from './ipjson.js';
import { Nsids } from '../rtnl/nsid/nsids.js';
import type { Session } from '../rtnl/session.js';

/** What the netns commands use of a handle. */
const netnsKinds = (s: Session) => ({ nsids: new Nsids(s.connection) });

const COMMANDS = ['list', 'show', 'lst', 'add', 'delete', 'list-id', 'set', 'exec', 'identify', 'pids', 'attach', 'help'] as const;

/** Runs `rtnl netns ...`. */
export async function runNetns(ctx: Context, args: Args): Promise<void> {
  const word = args.shift() ?? 'list';
  // `list-id` before `list`: `list-id` is not an abbreviation of `list`.
  const cmd = word === 'list-id' ? 'list-id' : matchKeyword(word, COMMANDS);
  switch (cmd) {
    case 'list':
    case 'show':
    case 'lst':
      return listNamespaces(ctx, args);
    case 'add':
      addNetns(oneName(args, 'add'));
      return;
    case 'delete':
      deleteNetns(oneName(args, 'del'));
      return;
    case 'list-id':
      return listIds(ctx, args);
    case 'set':
      return setId(ctx, args);
    case 'exec':
      return exec(ctx, args);
    case 'identify': {
      const pid = args.shift() ?? String(process.pid);
      if (!args.done) throw args.unknown(args.shift() as string);
      for (const name of identifyNetns(pidArg(args, pid))) ctx.line(name);
      return;
    }
    case 'pids': {
      const name = oneName(args, 'pids');
      for (const pid of netnsPids(nsRef(name))) ctx.line(String(pid));
      return;
    }
    case 'attach': {
      const name = args.shift();
      const pid = args.shift();
      if (name === undefined || pid === undefined) throw args.error('"netns attach" needs NAME and PID');
      if (!args.done) throw args.unknown(args.shift() as string);
      attachNetns(name, pidArg(args, pid));
      return;
    }
    default:
      throw args.error(`unknown command "${word}"`);
  }
}

function pidArg(args: Args, text: string): number {
  if (!/^[1-9]\d*$/.test(text) || Number(text) > 0x7fffffff) throw args.error(`invalid process id "${text}"`);
  return Number(text);
}

function nsRef(name: string): string | { path: string } {
  return name.includes('/') ? { path: name } : name;
}

/**
 * `netns exec NAME CMD [ARGS...]`: the command runs inside the namespace with this process's
 * stdin, its output goes where rtnl's goes, and rtnl exits with its status (128 + signal number
 * when a signal ended it), as `ip netns exec` does.
 */
async function exec(ctx: Context, args: Args): Promise<void> {
  const name = args.shift();
  const command = args.shift();
  if (name === undefined || command === undefined) throw args.error('"netns exec" needs NAME and a COMMAND');
  const rest: string[] = [];
  while (!args.done) rest.push(args.shift() as string);
  // Asking for the signal makes rtnl catch SIGINT and SIGTERM (process.ts): interrupted, it waits
  // for its child, which gets the terminal's signal itself, and relays its output to the end.
  if (ctx.io.signal?.aborted) return;
  const child = execInNetns(nsRef(name), command, rest, { stdio: [ctx.io.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (ctx.io.stdin !== undefined && child.stdin) ctx.io.stdin.pipe(child.stdin);
  child.stdout?.on('data', (d: Buffer) => ctx.io.stdout.write(d.toString()));
  child.stderr?.on('data', (d: Buffer) => ctx.io.stderr.write(d.toString()));
  const status = await new Promise<number>((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`exec of "${command}" failed: ${err.code === 'ENOENT' ? 'No such file or directory' : err.message}`)));
    child.once('close', (code, signal) => resolve(code ?? 128 + (signal ? (osSignals[signal] ?? 0) : 0)));
  });
  if (ctx.io.stdin !== undefined && child.stdin) ctx.io.stdin.unpipe(child.stdin);
  ctx.exitCode = status;
}

function oneName(args: Args, cmd: string): string {
  const name = args.shift();
  if (name === undefined) throw args.error(`"netns ${cmd}" needs a NAME`);
  if (!args.done) throw args.unknown(args.shift() as string);
  return name;
}

// In the directory's order, as ip prints them (listNetns and readdirSync sort; opendir does not).
function namesInDirectoryOrder(): string[] {
  let dir: Dir;
  try {
    dir = opendirSync(NETNS_RUN_DIR);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const names: string[] = [];
  try {
    for (let e = dir.readSync(); e !== null; e = dir.readSync()) names.push(e.name);
  } finally {
    dir.closeSync();
  }
  return names;
}

async function listNamespaces(ctx: Context, args: Args): Promise<void> {
  if (!args.done) throw args.unknown(args.shift() as string);
  const rtnl = await ctx.handle(netnsKinds);
  const out: IpJsonObject[] = [];
  for (const name of namesInDirectoryOrder()) {
    const o: IpJsonObject = { name };
    try {
      const id = await rtnl.nsids.get(name);
      if (id !== undefined) o.id = id;
    } catch (err) {
      // Not a namespace (a stale file) or gone meanwhile: listed without an id, as ip does.
      if (!(err instanceof NetlinkError) && !(err instanceof NamespaceNotFoundError)) throw err;
    }
    out.push(o);
  }
  if (ctx.options.json) ctx.json(out);
  else ctx.table(['NAME', 'ID'], out.map((o) => [o.name as string, o.id as number | undefined]));
}

async function listIds(ctx: Context, args: Args): Promise<void> {
  if (!args.done) throw args.unknown(args.shift() as string);
  const rtnl = await ctx.handle(netnsKinds);
  const ids = (await rtnl.nsids.list()).map(nsidToIpJson);
  if (ctx.options.json) ctx.json(ids);
  else ctx.table(['NSID', 'NAME'], ids.map((o) => [o.nsid as number, o.name as string | undefined]));
}

async function setId(ctx: Context, args: Args): Promise<void> {
  const name = args.shift();
  const id = args.shift();
  if (name === undefined || id === undefined) throw args.error('"netns set" needs NAME and ID (or auto)');
  if (!args.done) throw args.unknown(args.shift() as string);
  const nsid = id === 'auto' ? undefined : /^\d+$/.test(id) ? Number(id) : NaN;
  if (nsid !== undefined && (!Number.isSafeInteger(nsid) || nsid > 0x7fffffff)) throw args.error(`invalid id "${id}": expected a number or auto`);
  const rtnl = await ctx.handle(netnsKinds);
  await rtnl.nsids.set(name.includes('/') ? { path: name } : name, nsid);
}
