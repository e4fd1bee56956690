import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, expectProblem, signUpAndLogin } from "./support/api.ts";

// Several argon2id sign-ups, logins and password checks per test on a shared machine: 5 s is too tight.
setDefaultTimeout(30_000);

const refresh = (refreshToken: string) => api("POST", "/token/refresh", { json: { refreshToken } });

describe("sessions through the gateway: refresh, rotation, reuse, logout", () => {
  test("a refresh answers like login with a rotated refresh token; the new access token passes the edge", async () => {
    const user = await signUpAndLogin("Refresher");
    const res = await refresh(user.refreshToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(Object.keys(res.body).sort()).toEqual(["accessToken", "expiresIn", "refreshToken", "tokenType"]);
    expect(res.body.tokenType).toBe("Bearer");
    expect(res.body.expiresIn).toBeLessThanOrEqual(300);
    expect(res.body.refreshToken).not.toBe(user.refreshToken);
    expect(res.traceId).toMatch(/^[0-9a-f]{32}$/);
    // Envoy verifies the refreshed token with the JWKS like any other.
    const me = await api("GET", "/user", { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);
    const posted = await api("POST", "/postings", { token: res.body.accessToken, json: { title: "After refresh", body: "still me" } });
    expect(posted.status).toBe(201);
    expect(posted.body.authorId).toBe(user.id);
  });

  test("refreshing needs no access token: an expired or garbage bearer header does not stop it at the edge", async () => {
    const user = await signUpAndLogin();
    const res = await api("POST", "/token/refresh", { token: "abc.def.ghi", json: { refreshToken: user.refreshToken } });
    expect(res.status).toBe(200);
  });

  test("reusing a rotated refresh token is a 401 problem and ends the whole session", async () => {
    const user = await signUpAndLogin();
    const rotated = await refresh(user.refreshToken);
    expect(rotated.status).toBe(200);
    expectProblem(await refresh(user.refreshToken), 401);
    // The successor dies with the family: the thief and the owner both have to log in again.
    expectProblem(await refresh(rotated.body.refreshToken), 401);
    const again = await api("POST", "/login", { json: { email: user.email, password: user.password } });
    expect(again.status).toBe(200);
    expect((await refresh(again.body.refreshToken)).status).toBe(200);
  });

  test("two simultaneous refreshes of one token: at most one succeeds", async () => {
    const user = await signUpAndLogin();
    const results = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    for (const r of results.filter((r) => r.status !== 200)) expectProblem(r, 401);
  });

  test("logout is 204 and ends the session; it is idempotent", async () => {
    const user = await signUpAndLogin();
    const out = await api("POST", "/logout", { json: { refreshToken: user.refreshToken } });
    expect(out.status).toBe(204);
    expect(out.traceId).toMatch(/^[0-9a-f]{32}$/);
    expectProblem(await refresh(user.refreshToken), 401);
    expect((await api("POST", "/logout", { json: { refreshToken: user.refreshToken } })).status).toBe(204);
  });

  test("a password change and an account deletion end every session", async () => {
    const user = await signUpAndLogin();
    const second = await api("POST", "/login", { json: { email: user.email, password: user.password } });
    const change = { password: "changed-in-e2e", currentPassword: user.password };
    expect((await api("PATCH", "/user", { token: user.token, json: change })).status).toBe(200);
    expectProblem(await refresh(user.refreshToken), 401);
    expectProblem(await refresh(second.body.refreshToken), 401);

    const fresh = await api("POST", "/login", { json: { email: user.email, password: "changed-in-e2e" } });
    expect((await api("DELETE", "/user", { token: fresh.body.accessToken })).status).toBe(204);
    expectProblem(await refresh(fresh.body.refreshToken), 401);
  });

  test("bad refresh bodies are 400 problems; unknown tokens 401", async () => {
    expectProblem(await api("POST", "/token/refresh", { json: {} }), 400);
    expectProblem(await api("POST", "/logout", { json: { refreshToken: "" } }), 400);
    expectProblem(await refresh("not-a-token-we-issued"), 401);
    expectProblem(await api("GET", "/token/refresh"), 404);
  });
});
