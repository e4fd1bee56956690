export class DeadlineError extends Error {
  override name = "DeadlineError";
}

/**
 * Rejects when `promise` has not settled within `ms`. For what a client cannot bound itself:
 * postgres.js has no client-side query timeout (a stopped or unreachable server leaves a query
 * waiting on TCP for minutes), and a readiness probe must answer faster than any socket timeout.
 * The work itself goes on; callers must be idempotent (the consumer's dedupe record is).
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer from ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
