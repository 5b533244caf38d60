// The command line's first words: the global options and the object. Read without loading any
// command or the library, so that the launcher can tell which bundle a command line runs in
// (tools/bundle-cli.ts) before loading it; main.ts reads them the same way.

import { UsageError, matchKeyword } from './args.js';
import type { GlobalOptions } from './context.js';
import type { HelpTopic } from './help.js';

/** The topic of an object: the command module that runs it and the help text that describes it. */
export type ObjectTopic = Exclude<HelpTopic, 'rtnl'>;

// In ip's order, which decides what an abbreviation means: `a` address, `r` route, `ru` rule,
// `n` neigh, `l` link, `m` monitor, `net` netns, `nex` nexthop, `d` decode.
const OBJECTS: readonly [word: string, topic: ObjectTopic][] = [
  ['address', 'address'],
  ['addr', 'address'],
  ['route', 'route'],
  ['rule', 'rule'],
  ['neighbor', 'neigh'],
  ['neighbour', 'neigh'],
  ['neigh', 'neigh'],
  ['link', 'link'],
  ['monitor', 'monitor'],
  ['netns', 'netns'],
  ['nexthop', 'nexthop'],
  ['nh', 'nexthop'],
  ['decode', 'decode'],
  // Traffic control, as tc names its objects.
  ['qdisc', 'qdisc'],
  ['class', 'class'],
  ['filter', 'filter'],
];

/** The topic of an object word (`link`, `l`, `addr`, ...), as ip reads abbreviations; undefined when unknown. */
export function objectTopic(word: string): ObjectTopic | undefined {
  return (OBJECTS.find(([w]) => w === word) ?? OBJECTS.find(([w]) => matchKeyword(word, [w]) !== undefined))?.[1];
}

/**
 * The bundles the built command is split into, each by the objects whose commands it holds: a
 * command line of one of these objects runs in its bundle, which loads only the modules those
 * commands use; every other command line (batches, help, monitor, decode) runs in the whole
 * command's bundle.
 */
export const BUNDLES: Readonly<Record<string, readonly ObjectTopic[]>> = {
  link: ['link'],
  address: ['address'],
  route: ['route'],
  neigh: ['neigh'],
  rule: ['rule'],
  nexthop: ['nexthop'],
  netns: ['netns'],
  tc: ['qdisc', 'class', 'filter'],
};

/** The bundle (a key of {@link BUNDLES}) that runs `argv`, or undefined for the whole command's. */
export function bundleOf(argv: readonly string[]): string | undefined {
  let parsed: ReturnType<typeof parseGlobal>;
  try {
    parsed = parseGlobal(argv);
  } catch {
    return undefined; // the whole command reports the error
  }
  const { options, rest, help, version } = parsed;
  if (options.batch !== undefined || help || version || rest[0] === undefined) return undefined;
  const topic = objectTopic(rest[0]);
  if (topic === undefined) return undefined;
  return Object.keys(BUNDLES).find((b) => BUNDLES[b].includes(topic));
}

/** The global options and the words after them. */
export function parseGlobal(argv: readonly string[]): { options: GlobalOptions; rest: string[]; help: boolean; version: boolean } {
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
      case '--stats':
        options.stats = true;
        options.statsLevel = (options.statsLevel ?? 0) + 1;
        break;
      case '-4':
        options.family = 'inet';
        break;
      case '-6':
        options.family = 'inet6';
        break;
      case '-br':
      case '-brief':
      case '--brief':
        options.brief = true;
        break;
      case '-o':
      case '-oneline':
      case '--oneline':
        options.oneline = true;
        break;
      case '-force':
      case '--force':
        options.force = true;
        break;
      case '-b':
      case '-batch':
      case '--batch': {
        const v = inline ?? argv[++i];
        if (v === undefined || v === '') throw new UsageError(`"${flag}" needs a file name (or - for stdin)`);
        options.batch = v;
        break;
      }
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
      default: {
        // -c, -color, -c=always|never|auto (as ip: -c alone is always).
        const color = /^-{1,2}(?:c|co|col|colo|color|colour)(?:=(.*))?$/.exec(a);
        if (color) {
          const when = color[1] ?? 'always';
          if (when !== 'always' && when !== 'never' && when !== 'auto') throw new UsageError(`"-color" takes always, never or auto, not "${when}"`);
          options.colorWhen = when;
          break;
        }
        throw new UsageError(`unknown option "${a}"`);
      }
    }
  }
  return { options, rest: argv.slice(i), help, version: showVersion };
}
