/** What the operator commands print: aligned text for people, or the REST JSON with --json. */

export interface Writer {
  write(text: string): unknown;
}

export class Output {
  constructor(
    readonly json: boolean,
    private readonly stream: Writer,
  ) {}

  line(text = ''): void {
    this.stream.write(text + '\n');
  }

  printJson(value: unknown): void {
    this.stream.write(JSON.stringify(value, null, 2) + '\n');
  }

  /** `label  value` lines, labels aligned; empty values are skipped. */
  record(pairs: [string, unknown][]): void {
    const shown = pairs.filter(([, v]) => v !== undefined && v !== null && v !== '');
    const width = Math.max(0, ...shown.map(([k]) => k.length));
    for (const [k, v] of shown) this.line(`${k.padEnd(width)}  ${String(v)}`);
  }

  /** A table with a header row; `empty` is printed instead when there are no rows. */
  table(headers: string[], rows: unknown[][], empty: string): void {
    if (rows.length === 0) {
      this.line(empty);
      return;
    }
    const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined || c === null || c === '' ? '-' : String(c))))];
    const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
    for (const r of cells) this.line(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
  }
}
