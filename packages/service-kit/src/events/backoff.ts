export type BackoffOptions = { initialMs: number; maxMs: number };

/** Exponential backoff with "equal jitter": half fixed, half random, never above the cap. */
export function backoffDelay(failures: number, { initialMs, maxMs }: BackoffOptions, random = Math.random): number {
  const exponential = Math.min(maxMs, initialMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
