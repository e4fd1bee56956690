import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

let h: Harness;
let user: Awaited<ReturnType<Harness["signUp"]>>;
beforeAll(async () => {
  // These tests fail many logins on one account on purpose; the per-account lock has its own suite.
  h = await createHarness({
    prefix: "users_login_err",
    throttlePolicy: { lockAfterFailures: 1_000, baseLockSeconds: 1, maxLockSeconds: 1, resetAfterSeconds: 60 },
  });
  user = await h.signUp();
});
afterAll(() => h?.close());

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe("POST /login errors", () => {
  test("wrong password and unknown email get the same 401 problem", async () => {
    const wrong = await h.call("POST", "/login", { json: { email: user.email, password: "wrong-password" } });
    const unknown = await h.call("POST", "/login", { json: { email: h.uniqueEmail("nobody"), password: "wrong-password" } });
    expectProblem(wrong, 401, "unauthorized");
    expectProblem(unknown, 401, "unauthorized");
    expect(wrong.body).toEqual(unknown.body);
    expect([...wrong.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());
  });

  test("an unknown email costs about as much as a wrong password (dummy argon2id verification)", async () => {
    const time = async (email: string) => {
      const started = performance.now();
      await h.call("POST", "/login", { json: { email, password: "wrong-password" } });
      return performance.now() - started;
    };
    await time(user.email); // warm both paths
    await time("warm@example.com");
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 8; i++) {
      known.push(await time(user.email));
      unknown.push(await time(`nobody-${i}@example.com`));
    }
    const ratio = median(unknown) / median(known);
    expect(median(known)).toBeGreaterThan(5); // argon2id really ran
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  }, 30_000); // 18 argon2id verifications on 2 shared cores

  test("a refused login is logged without the email or the password", async () => {
    const before = h.logs.length;
    await h.call("POST", "/login", { json: { email: user.email, password: "secret-attempt-123" } });
    const lines = h.logs.slice(before).join("\n");
    expect(lines).toContain("login refused");
    expect(lines).not.toContain("secret-attempt-123");
    expect(lines).not.toContain(user.email);
  });

  const invalid: Array<[string, unknown]> = [
    ["missing password", { email: "a@example.com" }],
    ["missing email", { password: "whatever-1" }],
    ["empty password", { email: "a@example.com", password: "" }],
    ["password over 128", { email: "a@example.com", password: "p".repeat(129) }],
    ["email over 254", { email: `${"a".repeat(255)}@x.io`, password: "whatever-1" }],
    ["unknown field", { email: "a@example.com", password: "whatever-1", remember: true }],
    ["wrong types", { email: 1, password: true }],
  ];
  for (const [what, json] of invalid) {
    test(`${what} → 400`, async () => {
      expectProblem(await h.call("POST", "/login", { json }), 400, "validation");
    });
  }

  test("malformed JSON, wrong content type, too-large body", async () => {
    expectProblem(await h.call("POST", "/login", { body: '{"email":', headers: { "content-type": "application/json" } }), 400);
    expectProblem(
      await h.call("POST", "/login", { body: "email=a&password=b", headers: { "content-type": "application/x-www-form-urlencoded" } }),
      415,
    );
    expectProblem(await h.call("POST", "/login", { json: { email: "a@example.com", password: "p".repeat(20_000) } }), 413);
  });
});
