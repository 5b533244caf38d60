// Plain-text tables for people: the CLI's default output and the demo's.

/** A table cell: anything printable; `undefined` and `null` print as empty. */
export type Cell = string | number | bigint | boolean | null | undefined;

/** Formats rows as a left-aligned table with a header line, columns separated by two spaces. */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = (c: Cell): string => (c === undefined || c === null ? '' : String(c));
  const cells = [headers.map(text), ...rows.map((r) => r.map(text))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd())
    .join('\n');
}
