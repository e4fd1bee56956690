import type { Logger } from "./logger.ts";

/**
 * Retries a start-up step (the database may come up a moment after the service) with a capped
 * backoff, then gives up with the last error so a supervisor sees the failure.
 */
export async function waitFor<T>(
  what: string,
  step: () => Promise<T>,
  {
    logger,
    timeoutMs,
    sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  }: {
    logger: Logger;
    timeoutMs: number;
    sleep?: (ms: number) => Promise<void>;
  },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      if (attempt === 1) logger.warn(`${what} failed; retrying`, { err: (err as Error).message });
      await sleep(Math.min(250 * 2 ** (attempt - 1), 2_000));
    }
  }
}
