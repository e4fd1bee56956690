import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

// Real PostgreSQL and argon2id sign-ups on a shared machine: 5 s is too tight.
setDefaultTimeout(30_000);

let h: Harness;
beforeAll(async () => {
  // Short lifetimes so the clock can pass them: idle 10 min, absolute 1 h.
  h = await createHarness({ prefix: "users_session_sec", refreshPolicy: { idleTtlSeconds: 600, absoluteTtlSeconds: 3_600 } });
});
afterAll(() => h.close());

const refresh = (refreshToken: string) => h.call("POST", "/token/refresh", { json: { refreshToken } });

describe("refresh-token rotation: reuse, expiry, revocation", () => {
  test("reusing a rotated token is a 401 problem and revokes the whole family, the thief's and the owner's tokens alike", async () => {
    const user = await h.signUp();
    const owner = await refresh(user.refreshToken); // rotates: user.refreshToken is now used
    expect(owner.status).toBe(200);
    const replay = await refresh(user.refreshToken);
    expectProblem(replay, 401, "unauthorized");
    expect(replay.headers.get("www-authenticate")).toContain("invalid_token");
    // The legitimate successor is dead too: whoever holds the chain must log in again.
    expectProblem(await refresh(owner.body.refreshToken), 401, "unauthorized");
    const [family] = await h.client.sql`select revoked_reason from refresh_token_families where user_id = ${user.id}`;
    expect(family?.revoked_reason).toBe("reuse");
    expect(h.logs.some((line) => line.includes("refresh token reused"))).toBe(true);
    expect((await h.call("GET", "/metrics")).text).toMatch(/^users_refresh_token_reuse_total [1-9]/m);
  });

  test("two simultaneous refreshes of one token never both succeed", async () => {
    for (let round = 0; round < 5; round++) {
      const user = await h.signUp();
      const results = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken), refresh(user.refreshToken)]);
      const winners = results.filter((r) => r.status === 200);
      expect(winners.length).toBeLessThanOrEqual(1);
      for (const loser of results.filter((r) => r.status !== 200)) expectProblem(loser, 401);
      // A race is reuse: the family is revoked, so even the winner's token is dead.
      for (const winner of winners) expect((await refresh(winner.body.refreshToken)).status).toBe(401);
    }
  });

  test("unknown, malformed and forged tokens are 401 (shape errors 400), all with one detail", async () => {
    const user = await h.signUp();
    const unknown = await refresh("A".repeat(43));
    const flipped = await refresh(`${user.refreshToken.slice(0, -1)}${user.refreshToken.endsWith("A") ? "B" : "A"}`);
    expectProblem(unknown, 401, "unauthorized");
    expectProblem(flipped, 401, "unauthorized");
    expect(unknown.body.detail).toBe(flipped.body.detail);
    // An access token is not a refresh token.
    expectProblem(await refresh(user.token), 401, "unauthorized");
    expectProblem(await h.call("POST", "/token/refresh", { json: {} }), 400, "validation");
    expectProblem(await h.call("POST", "/token/refresh", { json: { refreshToken: "" } }), 400, "validation");
    expectProblem(await h.call("POST", "/token/refresh", { json: { refreshToken: "x".repeat(600) } }), 400, "validation");
    expectProblem(await h.call("POST", "/token/refresh", { json: { refreshToken: user.refreshToken, extra: 1 } }), 400, "validation");
    expectProblem(await h.call("POST", "/logout", { json: { token: user.refreshToken } }), 400, "validation");
    // None of that spent the real token.
    expect((await refresh(user.refreshToken)).status).toBe(200);
  });

  test("a token unused past the idle lifetime expires; an expired token is not reuse (the family lives on)", async () => {
    const user = await h.signUp();
    const phone = await h.call("POST", "/login", { json: { email: user.email, password: user.password } });
    h.clock.offsetMs = 300_000; // 5 min: the phone refreshes, the first session does not
    const phoneNext = await refresh(phone.body.refreshToken);
    expect(phoneNext.status).toBe(200);
    h.clock.offsetMs = 601_000; // the first session's token is now 10 min idle
    try {
      expectProblem(await refresh(user.refreshToken), 401, "unauthorized");
      expect((await refresh(phoneNext.body.refreshToken)).status).toBe(200);
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  test("the absolute lifetime ends a session however often it is refreshed", async () => {
    const user = await h.signUp();
    let token = user.refreshToken;
    try {
      for (let minutes = 9; minutes < 60; minutes += 9) {
        h.clock.offsetMs = minutes * 60_000;
        const next = await refresh(token);
        expect(next.status).toBe(200);
        token = next.body.refreshToken;
      }
      const [row] = await h.client.sql`
        select t.expires_at, f.expires_at as family_expires_at from refresh_tokens t
        join refresh_token_families f on f.id = t.family_id where t.token_hash = encode(sha256(${token}::bytea), 'hex')`;
      // The newest token never outlives its family.
      expect(Date.parse(row?.expires_at)).toBe(Date.parse(row?.family_expires_at));
      h.clock.offsetMs = 3_601_000;
      expectProblem(await refresh(token), 401, "unauthorized");
    } finally {
      h.clock.offsetMs = 0;
    }
  });
});

describe("password change and account deletion end every session", () => {
  test("PATCH with a new password revokes every refresh token of the account", async () => {
    const user = await h.signUp();
    const laptop = await h.call("POST", "/login", { json: { email: user.email, password: user.password } });
    const patched = await h.call("PATCH", "/user", {
      token: user.token,
      json: { password: "a-brand-new-password", currentPassword: user.password },
    });
    expect(patched.status).toBe(200);
    expectProblem(await refresh(user.refreshToken), 401, "unauthorized");
    expectProblem(await refresh(laptop.body.refreshToken), 401, "unauthorized");
    const reasons = await h.client.sql`select revoked_reason from refresh_token_families where user_id = ${user.id}`;
    expect(reasons.map((r) => r.revoked_reason)).toEqual(["password-change", "password-change"]);
    // A new login starts a new session that refreshes.
    const fresh = await h.call("POST", "/login", { json: { email: user.email, password: "a-brand-new-password" } });
    expect((await refresh(fresh.body.refreshToken)).status).toBe(200);
  });

  test("a name change leaves the sessions alone", async () => {
    const user = await h.signUp();
    expect((await h.call("PATCH", "/user", { token: user.token, json: { name: "Just A Name" } })).status).toBe(200);
    expect((await refresh(user.refreshToken)).status).toBe(200);
  });

  test("DELETE /user revokes its refresh tokens (they refresh nothing afterwards)", async () => {
    const user = await h.signUp();
    const other = await h.call("POST", "/login", { json: { email: user.email, password: user.password } });
    expect((await h.call("DELETE", "/user", { token: user.token })).status).toBe(204);
    expectProblem(await refresh(user.refreshToken), 401, "unauthorized");
    expectProblem(await refresh(other.body.refreshToken), 401, "unauthorized");
    const left = await h.client.sql`select count(*)::int as n from refresh_token_families where user_id = ${user.id}`;
    expect(left[0]?.n).toBe(0);
  });
});
