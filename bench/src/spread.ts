/** How the bench reports repeated runs: the median, and the spread as [min–max]. */

/** The median of `values` (the mean of the middle two for an even count); NaN for none. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** "median [min–max]" with `digits` decimals; "–" for no runs. */
export function medianRange(values: number[], digits: number): string {
  if (values.length === 0) return "–";
  const f = (n: number) => n.toFixed(digits);
  return `${f(median(values))} [${f(Math.min(...values))}–${f(Math.max(...values))}]`;
}
