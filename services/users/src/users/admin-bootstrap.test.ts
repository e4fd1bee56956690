import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { ensureAdminAccount } from "./admin-bootstrap.ts";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "users_admin" });
});
afterAll(() => h?.close());

const bootstrap = (admin: { email: string; password: string; name?: string }) =>
  ensureAdminAccount({ db: h.db, passwords: h.passwords, logger: h.deps.logger }, { name: "Administrator", ...admin });

describe("ensureAdminAccount", () => {
  test("creates the admin when missing, then is idempotent", async () => {
    const admin = { email: " Admin@Example.com ", password: "admin-password-1" };
    expect(await bootstrap(admin)).toBe("created");
    expect(await bootstrap(admin)).toBe("unchanged");
    const rows = await h.client.sql`select email, role, name from users where lower(email) = 'admin@example.com'`;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: "admin@example.com", role: "admin", name: "Administrator" });
    const login = await h.call("POST", "/login", { json: { email: "admin@example.com", password: "admin-password-1" } });
    expect(login.status).toBe(200);
    const me = await h.call("GET", "/user", { token: login.body.accessToken });
    expect(me.body.role).toBe("admin");
    const claims = JSON.parse(Buffer.from(login.body.accessToken.split(".")[1], "base64url").toString());
    expect(claims.role).toBe("admin");
  });

  test("replicas starting together create one admin", async () => {
    const admin = { email: "race-admin@example.com", password: "admin-password-1" };
    const results = await Promise.all([bootstrap(admin), bootstrap(admin), bootstrap(admin)]);
    expect(results.filter((r) => r === "created")).toHaveLength(1);
    const rows = await h.client.sql`select role from users where email = 'race-admin@example.com'`;
    expect(rows.map((r) => r.role)).toEqual(["admin"]);
  });

  test("an existing account with that email is made admin (and keeps its password and name)", async () => {
    const user = await h.signUp({ name: "Promoted" });
    expect(await bootstrap({ email: user.email.toUpperCase(), password: "the-env-password" })).toBe("promoted");
    const me = await h.call("GET", "/user", { token: user.token });
    expect(me.body).toMatchObject({ role: "admin", name: "Promoted" });
    expect((await h.call("POST", "/login", { json: { email: user.email, password: user.password } })).status).toBe(200);
    expect((await h.call("POST", "/login", { json: { email: user.email, password: "the-env-password" } })).status).toBe(401);
  });

  test("a password the admin changed is not overwritten at the next start", async () => {
    const admin = { email: "changed-admin@example.com", password: "initial-password" };
    await bootstrap(admin);
    const login = await h.call("POST", "/login", { json: admin });
    await h.call("PATCH", "/user", { token: login.body.accessToken, json: { password: "changed-password" } });
    expect(await bootstrap(admin)).toBe("unchanged");
    expect((await h.call("POST", "/login", { json: { email: admin.email, password: "changed-password" } })).status).toBe(200);
    expect((await h.call("POST", "/login", { json: admin })).status).toBe(401);
  });

  test("the admin cannot drop their own role through PATCH /user, nor can anyone else gain it", async () => {
    const login = await h.call("POST", "/login", { json: { email: "admin@example.com", password: "admin-password-1" } });
    const res = await h.call("PATCH", "/user", { token: login.body.accessToken, json: { role: "user" } });
    expect(res.status).toBe(400);
    expect((await h.call("GET", "/user", { token: login.body.accessToken })).body.role).toBe("admin");
  });

  test("nothing about the admin's password reaches the logs", async () => {
    const lines = h.logs.join("\n");
    for (const secret of ["admin-password-1", "initial-password", "changed-password", "the-env-password"]) {
      expect(lines).not.toContain(secret);
    }
    expect(lines).toContain("admin account created");
  });
});
