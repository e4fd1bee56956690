import { eq, lt, or } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { loginThrottle } from "../db/schema.ts";

export type LoginThrottlePolicy = {
  /** Failures allowed before each further one locks the email. */
  lockAfterFailures: number;
  /** Length of the first lock; it doubles with each further failure… */
  baseLockSeconds: number;
  /** …up to this: a lock never lasts longer, so nobody can lock an account for good. */
  maxLockSeconds: number;
  /** Failures are forgotten after this long without another one. */
  resetAfterSeconds: number;
};

export const DEFAULT_LOGIN_THROTTLE_POLICY: LoginThrottlePolicy = {
  lockAfterFailures: 5,
  baseLockSeconds: 2,
  maxLockSeconds: 900,
  resetAfterSeconds: 3_600,
};

export type ThrottleState = { failures: number; lastFailureAt: Date; lockedUntil: Date | null };
export type Attempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * One attempt against the state: refused while locked (and then not counted, so hammering a locked
 * email does not extend its lock), otherwise counted as a failure up front — parallel guesses
 * cannot all slip in before the first is recorded — and forgiven by `succeeded()`.
 */
export function nextAttempt(
  state: ThrottleState | undefined,
  now: Date,
  policy: LoginThrottlePolicy,
): { attempt: Attempt; state?: ThrottleState } {
  if (state?.lockedUntil && state.lockedUntil > now) {
    return { attempt: { allowed: false, retryAfterSeconds: Math.ceil((state.lockedUntil.getTime() - now.getTime()) / 1000) } };
  }
  const stale = !state || now.getTime() - state.lastFailureAt.getTime() > policy.resetAfterSeconds * 1000;
  const failures = (stale ? 0 : state.failures) + 1;
  const over = failures - policy.lockAfterFailures;
  const lockSeconds = over > 0 ? Math.min(policy.maxLockSeconds, policy.baseLockSeconds * 2 ** Math.min(over - 1, 30)) : 0;
  return {
    attempt: { allowed: true },
    state: { failures, lastFailureAt: now, lockedUntil: lockSeconds > 0 ? new Date(now.getTime() + lockSeconds * 1000) : null },
  };
}

/** SHA-256 of the normalised email: addresses that were only tried are not kept in clear. */
const emailKey = (email: string) => new Bun.CryptoHasher("sha256").update(email.trim().toLowerCase()).digest("hex");

/**
 * Per-account login backoff, shared by every instance through the users database. Unknown emails
 * are throttled exactly like real ones, so a 429 says nothing about whether an account exists.
 */
export class LoginThrottle {
  private readonly db: Database;
  private readonly policy: LoginThrottlePolicy;
  private readonly clock: () => Date;
  /** Attempts this process refused because the email was locked: for /metrics. */
  refusedWhileLocked = 0;

  constructor(options: { db: Database; policy?: LoginThrottlePolicy; clock?: () => Date }) {
    this.db = options.db;
    this.policy = options.policy ?? DEFAULT_LOGIN_THROTTLE_POLICY;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Call before checking a password for `email`; a refused attempt must not check it at all. */
  async attempt(email: string): Promise<Attempt> {
    const now = this.clock();
    const key = emailKey(email);
    return this.db.transaction(async (tx) => {
      // The row lock serialises concurrent attempts on one email across instances.
      await tx.insert(loginThrottle).values({ emailKey: key, failures: 0, lastFailureAt: now }).onConflictDoNothing();
      const [row] = await tx
        .select({ failures: loginThrottle.failures, lastFailureAt: loginThrottle.lastFailureAt, lockedUntil: loginThrottle.lockedUntil })
        .from(loginThrottle)
        .where(eq(loginThrottle.emailKey, key))
        .for("update");
      const { attempt, state } = nextAttempt(row && row.failures > 0 ? row : undefined, now, this.policy);
      if (state) await tx.update(loginThrottle).set(state).where(eq(loginThrottle.emailKey, key));
      if (!attempt.allowed) this.refusedWhileLocked += 1;
      return attempt;
    });
  }

  /** The password was right: forget the failures (and, while at it, every long-quiet entry). */
  async succeeded(email: string): Promise<void> {
    const forgottenBefore = new Date(this.clock().getTime() - this.policy.resetAfterSeconds * 1000);
    await this.db
      .delete(loginThrottle)
      .where(or(eq(loginThrottle.emailKey, emailKey(email)), lt(loginThrottle.lastFailureAt, forgottenBefore)));
  }

  /** Failures currently counted for `email` (for tests and diagnostics). */
  async failures(email: string): Promise<number> {
    const [row] = await this.db
      .select({ failures: loginThrottle.failures })
      .from(loginThrottle)
      .where(eq(loginThrottle.emailKey, emailKey(email)));
    return row?.failures ?? 0;
  }
}
