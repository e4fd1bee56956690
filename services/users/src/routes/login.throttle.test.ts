import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

// Real PostgreSQL and argon2id sign-ups on a shared machine: 5 s is too tight.
setDefaultTimeout(30_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({
    prefix: "users_throttle",
    throttlePolicy: { lockAfterFailures: 3, baseLockSeconds: 30, maxLockSeconds: 120, resetAfterSeconds: 600 },
  });
});
afterAll(() => h.close());

const login = (email: string, password: string) => h.call("POST", "/login", { json: { email, password } });

describe("per-account login throttling", () => {
  test("after the free failures, the account is locked: 429 problem with retry-after, even for the right password", async () => {
    const user = await h.signUp();
    for (let i = 0; i < 4; i++) expectProblem(await login(user.email, `wrong-${i}`), 401, "unauthorized");
    const locked = await login(user.email, user.password);
    expectProblem(locked, 429, "rate-limited");
    expect(locked.headers.get("retry-after")).toBe("30");
    expect(locked.body.detail).toContain("30 seconds");
    expect((await h.call("GET", "/metrics")).text).toMatch(/^users_login_locked_total [1-9]/m);
  });

  test("the lock is bounded: once it ends the right password works and clears the count", async () => {
    const user = await h.signUp();
    try {
      for (let i = 0; i < 4; i++) await login(user.email, `wrong-${i}`);
      expectProblem(await login(user.email, user.password), 429);
      h.clock.offsetMs = 30_000;
      expect((await login(user.email, user.password)).status).toBe(200);
      expect(await h.deps.loginThrottle?.failures(user.email)).toBe(0);
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  test("an attacker hammering a locked account cannot extend the lock beyond the cap", async () => {
    const user = await h.signUp();
    let offset = 0;
    try {
      for (let round = 0; round < 8; round++) {
        h.clock.offsetMs = offset;
        for (let i = 0; i < 3; i++) await login(user.email, "attacker-guess");
        const retryAfter = Number((await login(user.email, "attacker-guess")).headers.get("retry-after") || 0);
        expect(retryAfter).toBeLessThanOrEqual(120);
        offset += Math.max(retryAfter, 1) * 1000;
      }
      h.clock.offsetMs = offset + 120_000; // past the longest possible lock
      expect((await login(user.email, user.password)).status).toBe(200);
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  test("one email's lock does not touch another account", async () => {
    const victim = await h.signUp();
    const bystander = await h.signUp();
    for (let i = 0; i < 4; i++) await login(victim.email, "wrong");
    expectProblem(await login(victim.email, victim.password), 429);
    expect((await login(bystander.email, bystander.password)).status).toBe(200);
  });

  test("an unknown email is throttled exactly like a real one (a 429 does not reveal the account exists)", async () => {
    const user = await h.signUp();
    const nobody = h.uniqueEmail("nobody");
    const answers = async (email: string) => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await login(email, "wrong-password")).status);
      const last = await login(email, "wrong-password");
      return { statuses, retryAfter: last.headers.get("retry-after"), detail: last.body.detail };
    };
    const real = await answers(user.email);
    const fake = await answers(nobody);
    expect(real).toEqual(fake);
    expect(real.statuses).toEqual([401, 401, 401, 401, 429]);
  });

  test("parallel guesses cannot all slip in before the first failure is recorded", async () => {
    const user = await h.signUp();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => login(user.email, `parallel-${i}`)));
    const checked = results.filter((r) => r.status === 401).length;
    expect(checked).toBeLessThanOrEqual(4); // 3 free + the one that set the lock
    expect(results.filter((r) => r.status === 429).length).toBe(8 - checked);
  });

  test("the email is not stored in clear for throttling", async () => {
    const email = h.uniqueEmail("clear");
    await login(email, "wrong-password");
    const dump = JSON.stringify(await h.client.sql`select * from login_throttle`);
    expect(dump).not.toContain(email);
  });
});
