// What every subcommand gets: the global options, the output streams, and the handle (opened on
// first use, in the namespace `-n` names, and closed by `main` at the end).

import type { Link } from '../index.js';
import { Session } from '../rtnl/session.js';
import type { NetnsRef } from '../index.js';
import { formatTable, type Cell } from './table.js';
import { painter, type Paint } from './color.js';

/** Something text can be written to, such as `process.stdout`. */
export interface TextSink {
  /** Writes a chunk of text. */
  write(chunk: string): unknown;
}

/** Where the CLI writes, and what stops a long-running command (`monitor`). */
export interface CliIO {
  /** Normal output: tables, JSON, events. */
  stdout: TextSink;
  /** Errors: one line each. */
  stderr: TextSink;
  /**
   * Aborting it ends `rtnl monitor`. The binary aborts it on SIGINT and SIGTERM, which it catches
   * from the first time a command reads this (other commands end on them at once).
   */
  signal?: AbortSignal;
  /** Input for `netns exec` commands and `-batch -` (the binary passes process.stdin). */
  stdin?: NodeJS.ReadableStream;
}

/** The options given before the object (`rtnl -n blue -j link show`). */
export interface GlobalOptions {
  /** `-n NETNS`: work inside this named namespace (or namespace file path). */
  netns?: string;
  /** `-j`: JSON output, as `ip -j` prints it. */
  json: boolean;
  /** `-p`: indented JSON. */
  pretty: boolean;
  /** `-d`: details, as `ip -d`. */
  details: boolean;
  /** `-s`: statistics (tc objects' counters, as `tc -s`). */
  stats: boolean;
  /** `-4` / `-6`: only IPv4 or IPv6 objects. */
  family?: 'inet' | 'inet6';
  /** How many times `-s` was given: `-s -s` adds the error counters to `ip -s` link statistics. */
  statsLevel?: number;
  /** `-br`: one brief line per link (`link` and `addr` show), as `ip -br`. */
  brief?: boolean;
  /** `-o`: one line per object, as `ip -o`. */
  oneline?: boolean;
  /** `-c[=always|never|auto]` as given (`-c` alone: always, as ip). */
  colorWhen?: 'always' | 'never' | 'auto';
  /** Whether to colour: ip's colours in `-br` lines (`auto`: only when stdout is a terminal). */
  color?: boolean;
  /** `-force`: `-batch` goes on after a failed command. */
  force?: boolean;
  /** `-batch FILE` (`-` for stdin): commands to run, one per line. */
  batch?: string;
}

/** The state of one CLI run. */
export class Context {
  #session: Session | undefined;
  readonly #handles = new Map<(session: Session) => unknown, unknown>();
  /** The exit status a command asks for (`netns exec` passes on its child's). */
  exitCode: number | undefined;

  constructor(
    /** The global options. */
    readonly options: GlobalOptions,
    /** The output streams. */
    readonly io: CliIO,
  ) {}

  /** What colours text as `-c` asks (plain without it): ip's palette for the terminal's background. */
  get paint(): Paint {
    return (this.#paint ??= painter(this.options.color === true));
  }

  #paint: Paint | undefined;

  /** The namespace reference `-n` gave, as the library takes it. */
  get netnsRef(): NetnsRef | undefined {
    const ns = this.options.netns;
    if (ns === undefined) return undefined;
    return ns.includes('/') ? { path: ns } : ns;
  }

  /** The session (socket and request engine), opened on first use inside the `-n` namespace. */
  async session(): Promise<Session> {
    if (!this.#session) {
      const netns = this.netnsRef;
      this.#session = Session.open(netns === undefined ? {} : { netns });
    }
    return this.#session;
  }

  /**
   * What a command uses of a handle (`{ links, routes }`, ...), made once per command line by
   * `make` on the session. Each command module makes only the kinds it uses, so that the command
   * loads their modules and not the whole library (see tools/bundle-cli.ts).
   */
  async handle<T>(make: (session: Session) => T): Promise<T> {
    const session = await this.session();
    if (!this.#handles.has(make)) this.#handles.set(make, make(session));
    return this.#handles.get(make) as T;
  }

  /** The links of the namespace by index, to name devices as ip does. */
  async linksByIndex(): Promise<Map<number, Link>> {
    const { links } = await this.session();
    return new Map((await links.list()).map((l) => [l.index as number, l]));
  }

  /** Closes the session, if it was opened. */
  close(): void {
    this.#session?.close();
    this.#session = undefined;
    this.#handles.clear();
  }

  /** Writes one line (a newline is added). */
  line(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** Writes a JSON value on one line (or indented with `-p`), as `ip -j` does. */
  json(value: unknown): void {
    this.line(this.options.pretty ? JSON.stringify(value, null, 4) : JSON.stringify(value));
  }

  /** Writes a table for people; columns that are empty in every row are left out. */
  table(headers: readonly string[], rows: readonly (readonly Cell[])[]): void {
    // An empty listing keeps every column, to show what it would list.
    const keep = headers.map((_, i) => rows.length === 0 || i === 0 || rows.some((r) => r[i] !== undefined && r[i] !== null && r[i] !== ''));
    const pick = <T>(xs: readonly T[]): T[] => xs.filter((_, i) => keep[i]);
    this.line(formatTable(pick(headers), rows.map((r) => pick(r))));
  }
}

/**
 * Runs `round` (which deletes what a flush selects and says how many) until it finds nothing, as
 * ip's flush does; with -s, ip's round lines (`*** Round 1, deleting 3 entries ***`).
 */
export async function flushRounds(ctx: Context, what: 'entries' | 'addresses', round: () => Promise<number>, maxRounds = 10): Promise<void> {
  const stats = ctx.options.stats;
  for (let n = 0; n < maxRounds; n++) {
    const deleted = await round();
    if (deleted === 0) {
      if (stats) ctx.line(n === 0 ? 'Nothing to flush.' : `*** Flush is complete after ${n} round${n > 1 ? 's' : ''} ***`);
      return;
    }
    if (stats) ctx.line(`\n*** Round ${n + 1}, deleting ${deleted} ${what} ***`);
  }
  throw new Error(`flush remains incomplete after ${maxRounds} rounds`);
}
