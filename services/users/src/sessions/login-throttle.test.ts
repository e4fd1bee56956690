import { describe, expect, test } from "bun:test";
import { type LoginThrottlePolicy, nextAttempt, type ThrottleState } from "./login-throttle.ts";

const policy: LoginThrottlePolicy = { lockAfterFailures: 3, baseLockSeconds: 2, maxLockSeconds: 60, resetAfterSeconds: 600 };
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);

/** Fails `n` times, each right after the previous lock ended; returns the lock lengths in seconds. */
function failRepeatedly(n: number): number[] {
  let state: ThrottleState | undefined;
  let now = 0;
  const locks: number[] = [];
  for (let i = 0; i < n; i++) {
    const next = nextAttempt(state, at(now), policy);
    expect(next.attempt.allowed).toBe(true);
    state = next.state;
    const lock = state?.lockedUntil ? (state.lockedUntil.getTime() - at(now).getTime()) / 1000 : 0;
    locks.push(lock);
    now += Math.max(lock, 1);
  }
  return locks;
}

describe("nextAttempt (the backoff policy)", () => {
  test("free attempts, then a lock that doubles with each failure, capped", () => {
    expect(failRepeatedly(10)).toEqual([0, 0, 0, 2, 4, 8, 16, 32, 60, 60]);
  });

  test("while locked: refused with the seconds left, and not counted (hammering does not extend the lock)", () => {
    let state: ThrottleState | undefined;
    for (let i = 0; i < 4; i++) state = nextAttempt(state, at(0), policy).state ?? state;
    expect(state?.lockedUntil).toEqual(at(2));
    const refused = nextAttempt(state, at(1), policy);
    expect(refused.attempt).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(refused.state).toBeUndefined();
    // The lock ends on time: the next attempt goes through.
    expect(nextAttempt(state, at(2), policy).attempt.allowed).toBe(true);
  });

  test("failures are forgotten after a quiet period", () => {
    let state: ThrottleState | undefined;
    for (let i = 0; i < 3; i++) state = nextAttempt(state, at(i), policy).state ?? state;
    expect(state?.failures).toBe(3);
    expect(nextAttempt(state, at(2 + 601), policy).state?.failures).toBe(1);
  });

  test("a lock never exceeds the cap, however many failures (no lock-out forever)", () => {
    const state: ThrottleState = { failures: 10_000, lastFailureAt: at(0), lockedUntil: null };
    const next = nextAttempt(state, at(1), policy);
    expect(next.state?.lockedUntil).toEqual(at(61));
  });
});
