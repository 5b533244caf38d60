// Hand-rolled argument parsing in iproute2's style: keywords followed by their values, commands
// and objects matched by prefix (`a` for `address`, `sh` for `show`).

/** A command line the CLI cannot make sense of: exit status 2, and a one-line message. */
export class UsageError extends Error {
  /** The error's class name, `UsageError`. */
  override name = 'UsageError';
  /** The help topic to point to (`link`, `route`, ...), if any. */
  readonly topic: string | undefined;

  constructor(message: string, topic?: string) {
    super(message);
    this.topic = topic;
  }
}

/**
 * A command that failed the way ip fails it (a table that does not exist, a device a show names,
 * a flush without selectors): its one line and ip's exit status.
 */
export class CommandError extends Error {
  /** The error's class name, `CommandError`. */
  override name = 'CommandError';

  constructor(
    message: string,
    /** The exit status ip gives for this failure. */
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Whether `word` is a prefix of `keyword` (and not empty), the way iproute2's `matches()` accepts
 * abbreviations: `sh` for `show`, `a` for `add`.
 */
export function matches(word: string, keyword: string): boolean {
  return word.length > 0 && keyword.startsWith(word);
}

/** The first of `keywords` that `word` abbreviates, in order (order decides ambiguous prefixes, as in ip). */
export function matchKeyword<K extends string>(word: string, keywords: readonly K[]): K | undefined {
  return keywords.find((k) => matches(word, k));
}

/** A cursor over the words of a subcommand. */
export class Args {
  private pos = 0;

  constructor(
    private readonly words: readonly string[],
    /** The help topic for errors (`link`, `route`, ...). */
    readonly topic: string,
  ) {}

  /** True when every word has been read. */
  get done(): boolean {
    return this.pos >= this.words.length;
  }

  /** The next word without consuming it. */
  peek(): string | undefined {
    return this.words[this.pos];
  }

  /** Puts the word read last back. */
  back(): void {
    if (this.pos > 0) this.pos--;
  }

  /** Consumes and returns the next word, if any. */
  shift(): string | undefined {
    return this.words[this.pos++];
  }

  /** The value after keyword `what`: throws a usage error when it is missing. */
  value(what: string): string {
    const v = this.words[this.pos++];
    if (v === undefined) throw this.error(`"${what}" needs an argument`);
    return v;
  }

  /** An unsigned integer value after keyword `what` (decimal or 0x hex). */
  uint(what: string, max = 0xffffffff): number {
    return parseUint(this.value(what), what, max, this.topic);
  }

  /** A usage error about this subcommand. */
  error(message: string): UsageError {
    return new UsageError(message, this.topic);
  }

  /** A usage error for an argument this subcommand does not know. */
  unknown(word: string): UsageError {
    return this.error(`unknown argument "${word}"`);
  }
}

/** Parses an unsigned integer (decimal, or hex with 0x) up to `max`; names `what` on failure. */
export function parseUint(text: string, what: string, max = 0xffffffff, topic?: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n > max) throw new UsageError(`invalid ${what} "${text}": expected an integer from 0 to ${max}`, topic);
  return n;
}

/** Parses a non-negative number of seconds (fractions allowed); names `what` on failure. */
export function parseSeconds(text: string, what: string, topic?: string): number {
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`invalid ${what} "${text}": expected a number of seconds`, topic);
  return n;
}
