// The `rtnl` command line: `rtnl [-n NETNS] [-j] OBJECT COMMAND [ARGS]`, in process (testable);
// bin.ts runs it for the shell.

// node:fs, not node:fs/promises: loading the latter sets up nine more of Node's own modules
// (readline's among them), 2-3 ms of every command's start-up, for a batch file read once.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { InvalidArgumentError, NetlinkError } from '../netlink/errors.js';
import { Args, CommandError, UsageError, matchKeyword } from './args.js';
import { Context, type CliIO } from './context.js';
import { objectTopic, parseGlobal } from './commandline.js';
import type { HelpTopic } from './help.js';

export type { CliIO, TextSink, GlobalOptions } from './context.js';

/** Exit status: success. */
export const EXIT_OK = 0;
/** Exit status: the request failed (the kernel refused it, a namespace is missing, ...). */
export const EXIT_FAILURE = 1;
/** Exit status: the command line is wrong. */
export const EXIT_USAGE = 2;

type Runner = (ctx: Context, args: Args) => Promise<void>;

// Each object's command-line code is set up when a command names it, not at start-up: in the
// bundled command (tools/bundle-cli.ts) each of these modules, and what only it imports, is
// evaluated on first import(), and its functions compiled (or read from the code cache) on first
// call, so that `rtnl link show` does not run the module code of the tc, route, decode and monitor
// commands or the help texts (start-up is most of a short command's time). Each command module
// builds only the kinds it uses on the context's session (not an Rtnl, which imports every kind),
// and the build makes a bundle per group of objects holding only their modules: the launcher runs
// `rtnl link show` in link.cjs (about 170 of the whole command's 420 KiB).
const runAddress = async (): Promise<Runner> => (await import('./addr.js')).runAddress;
const runRoute = async (): Promise<Runner> => (await import('./route.js')).runRoute;
const runRule = async (): Promise<Runner> => (await import('./rule.js')).runRule;
const runNeigh = async (): Promise<Runner> => (await import('./neigh.js')).runNeigh;
const runLink = async (): Promise<Runner> => (await import('./link.js')).runLink;
const runMonitor = async (): Promise<Runner> => (await import('./monitor.js')).runMonitor;
const runNetns = async (): Promise<Runner> => (await import('./netns.js')).runNetns;
const runNexthop = async (): Promise<Runner> => (await import('./nexthop.js')).runNexthop;
const runDecode = async (): Promise<Runner> => (await import('./decode.js')).runDecode;
const runQdisc = async (): Promise<Runner> => (await import('./tc.js')).runQdisc;
const runClass = async (): Promise<Runner> => (await import('./tc.js')).runClass;
const runFilter = async (): Promise<Runner> => (await import('./tc.js')).runFilter;

/** The usage text of `topic` (its module, all text, is loaded when help is asked for). */
async function helpText(topic: HelpTopic): Promise<string> {
  return (await import('./help.js')).helpText(topic);
}

// Each object's runner, by its topic (the object words are in commandline.ts).
const RUNNERS: Readonly<Record<Exclude<HelpTopic, 'rtnl'>, () => Promise<Runner>>> = {
  address: runAddress,
  route: runRoute,
  rule: runRule,
  neigh: runNeigh,
  link: runLink,
  monitor: runMonitor,
  netns: runNetns,
  nexthop: runNexthop,
  decode: runDecode,
  qdisc: runQdisc,
  class: runClass,
  filter: runFilter,
};

function version(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('../../package.json') as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The one line an error prints: the library's message (errno name, its text, the kernel's explanation). */
function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * A refused request as ip words it where it names the object: `Cannot find device "eth9"` for a
 * link that does not exist; otherwise the request, the errno and the kernel's text.
 */
export function netlinkErrorLine(err: NetlinkError): string {
  if (err.code === 'ENODEV' && err.link !== undefined) {
    return typeof err.link === 'number' ? `Cannot find device with index ${err.link}` : `Cannot find device "${err.link}"`;
  }
  return errorLine(err);
}

/**
 * Runs the `rtnl` command line with `argv` (the words after the program name) and returns the exit
 * status: 0 on success, 1 when the request failed, 2 for a wrong command line. Output goes to
 * `io.stdout`, each error as one line `rtnl: ...` to `io.stderr`. `rtnl monitor` runs until
 * `io.signal` aborts.
 *
 * @example
 * ```ts
 * const status = await main(['-n', 'blue', '-j', 'link', 'show'], { stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let ctx: Context | undefined;
  try {
    const { options, rest, help, version: showVersion } = parseGlobal(argv);
    if (showVersion) {
      io.stdout.write(`rtnl ${version()}\n`);
      return EXIT_OK;
    }
    if (options.colorWhen !== undefined) {
      options.color = options.colorWhen === 'always' || (options.colorWhen === 'auto' && (io.stdout as { isTTY?: boolean }).isTTY === true);
    }
    if (options.batch !== undefined) {
      if (rest.length > 0) throw new UsageError(`"-batch" takes its commands from ${options.batch === '-' ? 'stdin' : options.batch}, not after it: "${rest.join(' ')}"`);
      ctx = new Context(options, io);
      return await runBatch(ctx, options.batch, io);
    }
    const objectWord = rest[0];
    if (objectWord === undefined || objectWord === 'help') {
      if (help || objectWord === 'help') {
        io.stdout.write(await helpText('rtnl'));
        return EXIT_OK;
      }
      io.stderr.write(await helpText('rtnl'));
      return EXIT_USAGE;
    }
    ctx = new Context(options, io);
    return await runCommand(ctx, rest, help);
  } catch (err) {
    return reportError(err, io);
  } finally {
    ctx?.close();
  }
}

/** Runs one command (`OBJECT COMMAND ARGS`) and returns its exit status; errors are thrown. */
async function runCommand(ctx: Context, rest: readonly string[], help: boolean): Promise<number> {
  const io = ctx.io;
  const objectWord = rest[0];
  const topic = objectTopic(objectWord);
  if (topic === undefined) throw new UsageError(`unknown object "${objectWord}"`);
  const load = RUNNERS[topic];
  const words = rest.slice(1);
  // `--help` anywhere, `-h`, or `help` as the command: the object's usage.
  // (Not inside `netns exec NAME CMD ...`: those words are the command's.)
  const own = topic === 'netns' && words[0] !== undefined && matchKeyword(words[0], ['exec']) !== undefined ? [] : words;
  if (help || own.some((w) => w === '--help' || w === '-h') || words[0] === 'help') {
    io.stdout.write(await helpText(topic));
    return EXIT_OK;
  }
  ctx.exitCode = undefined;
  const run = await load();
  await run(ctx, new Args(words, topic));
  return ctx.exitCode ?? EXIT_OK;
}

/** Writes the one line of an error and returns the exit status it means. */
function reportError(err: unknown, io: CliIO): number {
  if (err instanceof UsageError) {
    io.stderr.write(`rtnl: ${errorLine(err)}${err.topic !== undefined ? ` (see 'rtnl ${err.topic} --help')` : ''}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof InvalidArgumentError) {
    io.stderr.write(`rtnl: ${errorLine(err)}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof CommandError) {
    io.stderr.write(`rtnl: ${errorLine(err)}\n`);
    return err.status;
  }
  if (err instanceof NetlinkError) {
    io.stderr.write(`rtnl: ${netlinkErrorLine(err)}\n`);
    return EXIT_FAILURE;
  }
  io.stderr.write(`rtnl: ${errorLine(err)}\n`);
  return EXIT_FAILURE;
}

/** The words of a batch line, as ip's makeargs splits them: blanks, "quotes", and # comments. */
export function batchWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length || line[i] === '#') break;
    const q = line[i];
    if (q === '"' || q === "'") {
      const end = line.indexOf(q, i + 1);
      if (end < 0) throw new UsageError(`unterminated quoted string in "${line}"`);
      words.push(line.slice(i + 1, end));
      i = end + 1;
    } else {
      let j = i;
      while (j < line.length && !/\s/.test(line[j])) j++;
      words.push(line.slice(i, j));
      i = j;
    }
  }
  return words;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  return text;
}

/**
 * `-batch FILE` (`-`: stdin): runs each line as a command with the same options and handle. As ip:
 * a failed command prints its error and `Command failed FILE:LINE`, and ends the batch unless
 * `-force`; the exit status is 1 when any command failed.
 */
async function runBatch(ctx: Context, file: string, io: CliIO): Promise<number> {
  let text: string;
  if (file === '-') {
    if (io.stdin === undefined) throw new CommandError('-batch -: no standard input', EXIT_FAILURE);
    text = await readAll(io.stdin);
  } else {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new CommandError(`Cannot open file "${file}" for reading: ${(err as Error).message}`, EXIT_FAILURE);
    }
  }
  let status = EXIT_OK;
  const lines = text.split('\n');
  // A line ending in a backslash goes on on the next one, as in ip.
  for (let i = 0, lineNo = 0; i < lines.length; i++) {
    let line = lines[i];
    lineNo = i + 1;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i];
    let code: number;
    try {
      const words = batchWords(line);
      if (words.length === 0) continue;
      code = await runCommand(ctx, words, false);
    } catch (err) {
      code = reportError(err, io);
    }
    if (code !== EXIT_OK) {
      io.stderr.write(`Command failed ${file}:${lineNo}\n`);
      status = EXIT_FAILURE;
      if (!ctx.options.force) break;
    }
  }
  return status;
}
