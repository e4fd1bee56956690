import { describe, expect, test } from "bun:test";
import { backoffDelay } from "./backoff.ts";
import { Sleeper } from "./sleeper.ts";

describe("backoffDelay", () => {
  const options = { initialMs: 100, maxMs: 5_000 };
  test("doubles per failure, with jitter between half and all of it", () => {
    expect(backoffDelay(1, options, () => 0)).toBe(50);
    expect(backoffDelay(1, options, () => 1)).toBe(100);
    expect(backoffDelay(3, options, () => 1)).toBe(400);
    expect(backoffDelay(4, options, () => 0.5)).toBe(600);
  });
  test("is capped", () => {
    expect(backoffDelay(30, options, () => 1)).toBe(5_000);
    expect(backoffDelay(1_000, options, () => 0)).toBe(2_500);
  });
});

describe("Sleeper", () => {
  test("a wake ends a wakeable sleep at once", async () => {
    const sleeper = new Sleeper();
    const started = performance.now();
    const sleeping = sleeper.sleep(10_000, { wakeable: true });
    sleeper.wake();
    await sleeping;
    expect(performance.now() - started).toBeLessThan(100);
  });
  test("a wake while awake is remembered for the next wakeable sleep", async () => {
    const sleeper = new Sleeper();
    sleeper.wake();
    const started = performance.now();
    await sleeper.sleep(10_000, { wakeable: true });
    expect(performance.now() - started).toBeLessThan(100);
  });
  test("a backoff sleep is not cut short by a wake, only by interrupt, which also ends later sleeps", async () => {
    const sleeper = new Sleeper();
    let done = false;
    const sleeping = sleeper.sleep(10_000, { wakeable: false }).then(() => {
      done = true;
    });
    sleeper.wake();
    await Bun.sleep(20);
    expect(done).toBe(false);
    sleeper.interrupt();
    await sleeping;
    expect(done).toBe(true);
    const started = performance.now();
    await sleeper.sleep(10_000, { wakeable: false });
    expect(performance.now() - started).toBeLessThan(100);
  });

  test("cut ends the current backoff sleep only", async () => {
    const sleeper = new Sleeper();
    const started = performance.now();
    const sleeping = sleeper.sleep(10_000, { wakeable: false });
    sleeper.cut();
    await sleeping;
    expect(performance.now() - started).toBeLessThan(100);
    let done = false;
    const next = sleeper.sleep(50, { wakeable: false }).then(() => {
      done = true;
    });
    await Bun.sleep(10);
    expect(done).toBe(false);
    await next;
  });
});
