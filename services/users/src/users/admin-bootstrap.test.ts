import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";
import { AdminEmailTakenError, ensureAdminAccount } from "./admin-bootstrap.ts";

// Real PostgreSQL and argon2id sign-ups on a shared machine: 5 s is too tight.
setDefaultTimeout(30_000);

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

  test("an existing non-admin account with that email is never promoted: start-up fails with a clear message", async () => {
    // The attack: sign up with ADMIN_EMAIL before the first start (or after the admin account is gone).
    const squatter = await h.signUp({ name: "Squatter" });
    const attempt = bootstrap({ email: squatter.email.toUpperCase(), password: "the-env-password" });
    await expect(attempt).rejects.toBeInstanceOf(AdminEmailTakenError);
    await expect(bootstrap({ email: squatter.email, password: "the-env-password" })).rejects.toThrow(
      /ADMIN_EMAIL belongs to an existing account that is not an admin; refusing to promote it/,
    );
    const me = await h.call("GET", "/user", { token: squatter.token });
    expect(me.body).toMatchObject({ role: "user", name: "Squatter" });
    expect((await h.call("POST", "/login", { json: { email: squatter.email, password: "the-env-password" } })).status).toBe(401);
  });

  test("a password the admin changed is not overwritten at the next start", async () => {
    const admin = { email: "changed-admin@example.com", password: "initial-password" };
    await bootstrap(admin);
    const login = await h.call("POST", "/login", { json: admin });
    const patched = await h.call("PATCH", "/user", {
      token: login.body.accessToken,
      json: { password: "changed-password", currentPassword: "initial-password" },
    });
    expect(patched.status).toBe(200);
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

describe("the last admin", () => {
  test("cannot delete itself (409 problem); with a second admin, one of them can leave", async () => {
    const solo = await createHarness({ prefix: "users_last_admin" });
    try {
      const boot = (email: string) =>
        ensureAdminAccount(
          { db: solo.db, passwords: solo.passwords, logger: solo.deps.logger },
          { email, password: "admin-password-1", name: "Admin" },
        );
      await boot("first-admin@example.com");
      const first = await solo.call("POST", "/login", { json: { email: "first-admin@example.com", password: "admin-password-1" } });
      const refused = await solo.call("DELETE", "/user", { token: first.body.accessToken });
      expectProblem(refused, 409, "conflict");
      expect(refused.body.detail).toBe("The last admin account cannot be deleted.");
      expect((await solo.call("GET", "/user", { token: first.body.accessToken })).status).toBe(200);

      await boot("second-admin@example.com");
      const second = await solo.call("POST", "/login", { json: { email: "second-admin@example.com", password: "admin-password-1" } });
      // Both try to leave at once: exactly one may go, the other is now the last admin.
      const results = await Promise.all([
        solo.call("DELETE", "/user", { token: first.body.accessToken }),
        solo.call("DELETE", "/user", { token: second.body.accessToken }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
      const admins = await solo.client.sql`select count(*)::int as n from users where role = 'admin'`;
      expect(admins[0]?.n).toBe(1);
      // An ordinary user still deletes itself as before.
      const user = await solo.signUp();
      expect((await solo.call("DELETE", "/user", { token: user.token })).status).toBe(204);
    } finally {
      await solo.close();
    }
  });
});
