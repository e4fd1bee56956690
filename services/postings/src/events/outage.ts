import { isStoreUnavailable } from "@msa-board/service-kit/errors";
import { DeadlineError } from "@msa-board/service-kit/events";

/**
 * A store that cannot serve right now (not the event's fault): retried after a backoff and never
 * counted towards dead-lettering. Connection failures, plus PostgreSQL's connection-exception (08),
 * insufficient-resources (53) and operator-intervention (57P) classes, and a transaction past its
 * time bound, looked up through drizzle's
 * wrapping.
 */
export function isOutage(err: unknown): boolean {
  if (isStoreUnavailable(err) || err instanceof DeadlineError) return true;
  for (let layer = err, depth = 0; layer && depth < 5; layer = (layer as { cause?: unknown }).cause, depth++) {
    const code = (layer as { code?: unknown }).code;
    if (typeof code === "string" && /^(08|53|57P)/.test(code)) return true;
  }
  return false;
}
