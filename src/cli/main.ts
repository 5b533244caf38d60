// The `rtnl` command line: `rtnl [-n NETNS] [-j] OBJECT COMMAND [ARGS]`, in process (testable);
// bin.ts runs it for the shell.

import { createRequire } from 'node:module';
import { InvalidArgumentError, NetlinkError } from '../index.js';
import { runAddress } from './addr.js';
import { Args, UsageError, matchKeyword } from './args.js';
import { Context, type CliIO, type GlobalOptions } from './context.js';
import { runDecode } from './decode.js';
import { helpText, type HelpTopic } from './help.js';
import { runLink } from './link.js';
import { runMonitor } from './monitor.js';
import { runNeigh } from './neigh.js';
import { runNetns } from './netns.js';
import { runNexthop } from './nexthop.js';
import { runRoute } from './route.js';
import { runRule } from './rule.js';
import { runClass, runFilter, runQdisc } from './tc.js';

export type { CliIO, TextSink, GlobalOptions } from './context.js';

/** Exit status: success. */
export const EXIT_OK = 0;
/** Exit status: the request failed (the kernel refused it, a namespace is missing, ...). */
export const EXIT_FAILURE = 1;
/** Exit status: the command line is wrong. */
export const EXIT_USAGE = 2;

type Runner = (ctx: Context, args: Args) => Promise<void>;

// In ip's order, which decides what an abbreviation means: `a` address, `r` route, `ru` rule,
// `n` neigh, `l` link, `m` monitor, `net` netns, `nex` nexthop, `d` decode.
const OBJECTS: readonly [word: string, topic: HelpTopic, run: Runner][] = [
  ['address', 'address', runAddress],
  ['addr', 'address', runAddress],
  ['route', 'route', runRoute],
  ['rule', 'rule', runRule],
  ['neighbor', 'neigh', runNeigh],
  ['neighbour', 'neigh', runNeigh],
  ['neigh', 'neigh', runNeigh],
  ['link', 'link', runLink],
  ['monitor', 'monitor', runMonitor],
  ['netns', 'netns', runNetns],
  ['nexthop', 'nexthop', runNexthop],
  ['nh', 'nexthop', runNexthop],
  ['decode', 'decode', runDecode],
  // Traffic control, as tc names its objects.
  ['qdisc', 'qdisc', runQdisc],
  ['class', 'class', runClass],
  ['filter', 'filter', runFilter],
];

function version(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('../../package.json') as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The global options and the words after them. */
function parseGlobal(argv: readonly string[]): { options: GlobalOptions; rest: string[]; help: boolean; version: boolean } {
  const options: GlobalOptions = { json: false, pretty: false, details: false, stats: false };
  let i = 0;
  let help = false;
  let showVersion = false;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-') break;
    if (a === '--') {
      i++;
      break;
    }
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    switch (flag) {
      case '-n':
      case '-netns':
      case '--netns': {
        const v = inline ?? argv[++i];
        if (v === undefined || v === '') throw new UsageError(`"${flag}" needs a namespace name`);
        options.netns = v;
        break;
      }
      case '-j':
      case '-json':
      case '--json':
        options.json = true;
        break;
      case '-p':
      case '-pretty':
      case '--pretty':
        options.pretty = true;
        break;
      case '-d':
      case '-details':
      case '--details':
        options.details = true;
        break;
      case '-s':
      case '-stats':
      case '-statistics':
        options.stats = true;
        break;
      case '-4':
        options.family = 'inet';
        break;
      case '-6':
        options.family = 'inet6';
        break;
      case '-h':
      case '-help':
      case '--help':
        help = true;
        break;
      case '-V':
      case '-Version':
      case '--version':
        showVersion = true;
        break;
      default:
        throw new UsageError(`unknown option "${a}"`);
    }
  }
  return { options, rest: argv.slice(i), help, version: showVersion };
}

/** The one line an error prints: the library's message (errno name, its text, the kernel's explanation). */
function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, ' ').trim();
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
    const objectWord = rest[0];
    if (objectWord === undefined || objectWord === 'help') {
      if (help || objectWord === 'help') {
        io.stdout.write(helpText('rtnl'));
        return EXIT_OK;
      }
      io.stderr.write(helpText('rtnl'));
      return EXIT_USAGE;
    }
    const hit = OBJECTS.find(([word]) => word === objectWord) ?? OBJECTS.find(([word]) => matchKeyword(objectWord, [word]) !== undefined);
    if (!hit) throw new UsageError(`unknown object "${objectWord}"`);
    const [, topic, run] = hit;
    const words = rest.slice(1);
    // `--help` anywhere, `-h`, or `help` as the command: the object's usage.
    // (Not inside `netns exec NAME CMD ...`: those words are the command's.)
    const own = topic === 'netns' && words[0] !== undefined && matchKeyword(words[0], ['exec']) !== undefined ? [] : words;
    if (help || own.some((w) => w === '--help' || w === '-h') || words[0] === 'help') {
      io.stdout.write(helpText(topic));
      return EXIT_OK;
    }
    ctx = new Context(options, io);
    await run(ctx, new Args(words, topic));
    return ctx.exitCode ?? EXIT_OK;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`rtnl: ${errorLine(err)}${err.topic !== undefined ? ` (see 'rtnl ${err.topic} --help')` : ''}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof InvalidArgumentError) {
      io.stderr.write(`rtnl: ${errorLine(err)}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof NetlinkError) {
      io.stderr.write(`rtnl: ${errorLine(err)}\n`);
      return EXIT_FAILURE;
    }
    io.stderr.write(`rtnl: ${errorLine(err)}\n`);
    return EXIT_FAILURE;
  } finally {
    ctx?.close();
  }
}
