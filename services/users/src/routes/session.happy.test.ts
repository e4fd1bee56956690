import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { decodeJwt } from "jose";
import { hashRefreshToken } from "../sessions/refresh-tokens.ts";
import { createHarness, type Harness, TTL_SECONDS } from "../test-support/harness.ts";

// Real PostgreSQL and argon2id sign-ups on a shared machine: 5 s is too tight.
setDefaultTimeout(30_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "users_session" });
});
afterAll(() => h.close());

const refresh = (refreshToken: string) => h.call("POST", "/token/refresh", { json: { refreshToken } });

describe("POST /login → POST /token/refresh → POST /logout", () => {
  test("login answers the contract's shape: a ≤ 5 min access token and an opaque refresh token", async () => {
    const user = await h.signUp();
    const login = await h.call("POST", "/login", { json: { email: user.email, password: user.password } });
    expect(login.status).toBe(200);
    expect(Object.keys(login.body).sort()).toEqual(["accessToken", "expiresIn", "refreshToken", "tokenType"]);
    expect(login.body.tokenType).toBe("Bearer");
    expect(login.body.expiresIn).toBeLessThanOrEqual(300);
    const claims = decodeJwt(login.body.accessToken);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(TTL_SECONDS);
    expect(TTL_SECONDS).toBeLessThanOrEqual(300);
    // 32 random bytes, base64url; nothing in it the client could read.
    expect(login.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(login.body.refreshToken.split(".")).toHaveLength(1);
  });

  test("the database holds only the SHA-256 of a refresh token", async () => {
    const user = await h.signUp();
    const rows = await h.client.sql`
      select t.token_hash from refresh_tokens t join refresh_token_families f on f.id = t.family_id where f.user_id = ${user.id}`;
    expect(rows.map((r) => r.token_hash)).toEqual([hashRefreshToken(user.refreshToken)]);
    const dump = JSON.stringify(await h.client.sql`select * from refresh_tokens`);
    expect(dump).not.toContain(user.refreshToken);
  });

  test("a refresh answers like login, rotates the refresh token and the new access token works", async () => {
    const user = await h.signUp({ name: "Refresher" });
    const first = await refresh(user.refreshToken);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(Object.keys(first.body).sort()).toEqual(["accessToken", "expiresIn", "refreshToken", "tokenType"]);
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    expect(decodeJwt(first.body.accessToken)).toMatchObject({ sub: user.id, name: "Refresher", role: "user" });
    expect((await h.call("GET", "/user", { token: first.body.accessToken })).body.id).toBe(user.id);
    // The chain goes on: each new token refreshes once more.
    const second = await refresh(first.body.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
  });

  test("a refreshed access token carries the current name and role, not the ones at login", async () => {
    const user = await h.signUp({ name: "Before Rename" });
    await h.call("PATCH", "/user", { token: user.token, json: { name: "After Rename" } });
    const res = await refresh(user.refreshToken);
    expect(decodeJwt(res.body.accessToken).name).toBe("After Rename");
  });

  test("logout is 204 and ends the session: neither the last nor any earlier token refreshes", async () => {
    const user = await h.signUp();
    const rotated = await refresh(user.refreshToken);
    const out = await h.call("POST", "/logout", { json: { refreshToken: rotated.body.refreshToken } });
    expect(out.status).toBe(204);
    expect(out.text).toBe("");
    expect((await refresh(rotated.body.refreshToken)).status).toBe(401);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    // Idempotent: a second logout, or one with an unknown token, is still 204.
    expect((await h.call("POST", "/logout", { json: { refreshToken: rotated.body.refreshToken } })).status).toBe(204);
    expect((await h.call("POST", "/logout", { json: { refreshToken: "never-issued" } })).status).toBe(204);
  });

  test("logout ends only that session: another login of the same account keeps refreshing", async () => {
    const user = await h.signUp();
    const phone = await h.call("POST", "/login", { json: { email: user.email, password: user.password } });
    expect((await h.call("POST", "/logout", { json: { refreshToken: user.refreshToken } })).status).toBe(204);
    expect((await refresh(phone.body.refreshToken)).status).toBe(200);
  });

  test("ended sessions are cleaned up at the account's next login", async () => {
    const user = await h.signUp();
    await h.call("POST", "/logout", { json: { refreshToken: user.refreshToken } });
    await h.call("POST", "/login", { json: { email: user.email, password: user.password } });
    const families = await h.client.sql`select revoked_at from refresh_token_families where user_id = ${user.id}`;
    expect(families).toHaveLength(1);
    expect(families[0]?.revoked_at).toBeNull();
  });
});
