/** A column of renderTable(): a header and how to read a row's cell. */
export interface Column<R> {
  header: string;
  cell: (row: R) => string;
  /** Right-align (numbers). */
  right?: boolean;
  /** Longest cell before it is cut with "…". Default 60. */
  max?: number;
}

/** Rows as an aligned plain-text table with a header line; "" cells print as "-". */
export function renderTable<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const cells = rows.map((row) =>
    columns.map((c) => {
      // Cells often come from traces (untrusted): no control byte reaches the terminal (ESC, CSI, BEL).
      // eslint-disable-next-line no-control-regex
      const text = (c.cell(row) || "-").replace(/\s+/g, " ").replace(/[\u0000-\u001f\u007f-\u009f]/g, "\uFFFD");
      const max = c.max ?? 60;
      return text.length > max ? `${text.slice(0, max - 1)}…` : text;
    }),
  );
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i].right ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join("\n");
}
