import { describe, expect, test } from "bun:test";
import { api, expectProblem, signUpAndLogin, uniqueEmail } from "./support/api.ts";

describe("users through the gateway", () => {
  test("sign-up returns the user and never a password or hash", async () => {
    const email = uniqueEmail();
    const res = await api("POST", "/users", { json: { email, password: "correct horse battery", name: "Ada" } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email, name: "Ada", role: "user" });
    expect(Object.keys(res.body).sort()).toEqual(["createdAt", "email", "id", "name", "role"]);
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
    expect(JSON.stringify(res.body)).not.toContain("correct horse");
  });

  test("sign-up with an existing email in other case is 409", async () => {
    const email = uniqueEmail();
    expect((await api("POST", "/users", { json: { email, password: "password-1", name: "A" } })).status).toBe(201);
    expectProblem(await api("POST", "/users", { json: { email: email.toUpperCase(), password: "password-2", name: "B" } }), 409);
  });

  test("bad sign-up input is a 400 problem", async () => {
    expectProblem(await api("POST", "/users", { json: { email: "not-an-email", password: "x", name: "" } }), 400);
    expectProblem(await api("POST", "/users", { body: "{not json", headers: { "content-type": "application/json" } }), 400);
  });

  test("login gives a Bearer token; wrong password and unknown email get the same 401", async () => {
    const user = await signUpAndLogin("Login Tester");
    const ok = await api("POST", "/login", { json: { email: user.email, password: user.password } });
    expect(ok.status).toBe(200);
    expect(ok.body.tokenType).toBe("Bearer");
    expect(ok.body.expiresIn).toBeGreaterThan(0);
    expect(ok.body.expiresIn).toBeLessThanOrEqual(300); // contract: access tokens live ≤ 5 min
    expect(ok.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [header] = ok.body.accessToken.split(".");
    expect(JSON.parse(Buffer.from(header, "base64url").toString()).kid).toBeString();

    const wrong = await api("POST", "/login", { json: { email: user.email, password: "wrong-password" } });
    const unknown = await api("POST", "/login", { json: { email: uniqueEmail(), password: "wrong-password" } });
    expectProblem(wrong, 401);
    expectProblem(unknown, 401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  test("GET /user is the caller; PATCH changes name; role cannot be changed", async () => {
    const user = await signUpAndLogin("Before");
    const me = await api("GET", "/user", { token: user.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, email: user.email, name: "Before", role: "user" });
    const patched = await api("PATCH", "/user", { token: user.token, json: { name: "After" } });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe("After");
    const escalate = await api("PATCH", "/user", { token: user.token, json: { role: "admin" } });
    expect(escalate.status === 400 || (escalate.status === 200 && escalate.body.role === "user")).toBe(true);
    expect((await api("GET", "/user", { token: user.token })).body.role).toBe("user");
  });

  test("PATCH password: needs the current one; the new one logs in, the old one does not", async () => {
    const user = await signUpAndLogin();
    expectProblem(await api("PATCH", "/user", { token: user.token, json: { password: "brand-new-password" } }), 400);
    const wrong = { password: "brand-new-password", currentPassword: "not-my-password" };
    expectProblem(await api("PATCH", "/user", { token: user.token, json: wrong }), 403);
    const right = { password: "brand-new-password", currentPassword: user.password };
    expect((await api("PATCH", "/user", { token: user.token, json: right })).status).toBe(200);
    expect((await api("POST", "/login", { json: { email: user.email, password: "brand-new-password" } })).status).toBe(200);
    expectProblem(await api("POST", "/login", { json: { email: user.email, password: user.password } }), 401);
  }, 30_000); // five argon2id operations

  test("DELETE /user is 204 and the account is gone", async () => {
    const user = await signUpAndLogin();
    const res = await api("DELETE", "/user", { token: user.token });
    expect(res.status).toBe(204);
    expectProblem(await api("POST", "/login", { json: { email: user.email, password: user.password } }), 401);
    const after = await api("GET", "/user", { token: user.token });
    expect([401, 404]).toContain(after.status);
  });

  test("/user without a token is a 401 problem made at the edge", async () => {
    expectProblem(await api("GET", "/user"), 401);
    expectProblem(await api("DELETE", "/user", { token: "abc.def.ghi" }), 401);
  });

  test("JWKS is public and lists EdDSA keys with kid, no private parts", async () => {
    const res = await api("GET", "/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const key of res.body.keys) {
      expect(key.kid).toBeString();
      expect(key.d).toBeUndefined();
    }
  });
});
