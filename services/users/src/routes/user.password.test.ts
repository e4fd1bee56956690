import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

// Real PostgreSQL and argon2id sign-ups on a shared machine: 5 s is too tight.
setDefaultTimeout(30_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "users_password" });
});
afterAll(() => h.close());

const login = (email: string, password: string) => h.call("POST", "/login", { json: { email, password } });

describe("PATCH /user password needs the current password", () => {
  test("without currentPassword: 400 naming it, and nothing changes", async () => {
    const user = await h.signUp();
    const res = await h.call("PATCH", "/user", { token: user.token, json: { password: "stolen-token-password" } });
    expectProblem(res, 400, "validation");
    expect(res.body.errors).toContainEqual({ path: "currentPassword", message: "Required to change the password" });
    expect((await login(user.email, user.password)).status).toBe(200);
    expect((await login(user.email, "stolen-token-password")).status).toBe(401);
  });

  test("with a wrong currentPassword: 403 (the token is fine), and nothing changes", async () => {
    const user = await h.signUp();
    const res = await h.call("PATCH", "/user", {
      token: user.token,
      json: { name: "Not Applied", password: "stolen-token-password", currentPassword: "a-wrong-guess" },
    });
    expectProblem(res, 403, "forbidden");
    expect(res.body.detail).toBe("The current password is not correct.");
    expect((await h.call("GET", "/user", { token: user.token })).body.name).not.toBe("Not Applied");
    expect((await login(user.email, user.password)).status).toBe(200);
    expect((await h.call("POST", "/token/refresh", { json: { refreshToken: user.refreshToken } })).status).toBe(200);
  });

  test("currentPassword with only a name change is accepted (and changes no password)", async () => {
    const user = await h.signUp();
    const res = await h.call("PATCH", "/user", { token: user.token, json: { name: "Fine", currentPassword: "anything" } });
    expect(res.status).toBe(200);
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  test("with the right currentPassword: 200, the new password logs in", async () => {
    const user = await h.signUp();
    const res = await h.call("PATCH", "/user", {
      token: user.token,
      json: { password: "the-new-password", currentPassword: user.password },
    });
    expect(res.status).toBe(200);
    expect((await login(user.email, "the-new-password")).status).toBe(200);
  });

  test("guessing the current password through PATCH is throttled like logins (429 with retry-after)", async () => {
    const user = await h.signUp();
    const guess = (currentPassword: string) =>
      h.call("PATCH", "/user", { token: user.token, json: { password: "takeover-password", currentPassword } });
    for (let i = 0; i < 5; i++) expectProblem(await guess(`guess-${i}`), 403, "forbidden");
    expectProblem(await guess("guess-5"), 403, "forbidden"); // the 6th failure locks
    const locked = await guess(user.password);
    expectProblem(locked, 429, "rate-limited");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    // The lock is per account: logging in is locked too.
    expectProblem(await login(user.email, user.password), 429, "rate-limited");
  });
});
