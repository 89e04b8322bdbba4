// Plain-text output for benchmarks: aligned tables and number formats.

const group = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1234.5` → `1,235 ms`; small values keep decimals: `0.42 ms`. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 100) return `${group.format(value)} ms`;
  return `${value.toFixed(value >= 10 ? 1 : value >= 1 ? 2 : 3)} ms`;
}

export function count(value: number): string {
  return Number.isFinite(value) ? group.format(value) : 'n/a';
}

/** `0.0123` → `0.012`, `12.3` → `12.3`, for ratios (× is added by the caller). */
export function ratio(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 100 ? group.format(value) : value.toFixed(value >= 10 ? 1 : value >= 1 ? 2 : 3);
}

/** A ratio written as a factor: `12.3×`. */
export function times(value: number): string {
  return Number.isFinite(value) ? `${ratio(value)}×` : 'n/a';
}

export type Row = readonly [label: string, value: string, note?: string];

/** A titled table: labels left-aligned, values right-aligned, notes after. */
export function table(title: string, rows: readonly Row[]): string {
  const labelWidth = Math.max(...rows.map((r) => r[0].length));
  const valueWidth = Math.max(...rows.map((r) => r[1].length));
  const lines = rows.map(([label, value, note]) =>
    `  ${label.padEnd(labelWidth)}  ${value.padStart(valueWidth)}${note ? `  ${note}` : ''}`.trimEnd(),
  );
  return [title, ...lines, ''].join('\n');
}
