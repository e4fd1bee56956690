import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHarness, type Harness } from "../test-support/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "users_signup" });
});
afterAll(() => h?.close());

describe("POST /users", () => {
  test("creates a user and answers 201 with exactly {id, email, name, role, createdAt}", async () => {
    const res = await h.call("POST", "/users", { json: { email: "ada@example.com", password: "correct horse", name: "Ada" } });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(Object.keys(res.body).sort()).toEqual(["createdAt", "email", "id", "name", "role"]);
    expect(res.body).toMatchObject({ email: "ada@example.com", name: "Ada", role: "user" });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
  });

  test("normalises the email (trim, lower-case) and trims the name", async () => {
    const res = await h.call("POST", "/users", {
      json: { email: "  Grace.Hopper@Example.COM ", password: "password-1", name: "  Grace  " },
    });
    expect(res.status).toBe(201);
    expect(res.body.email).toBe("grace.hopper@example.com");
    expect(res.body.name).toBe("Grace");
    const login = await h.call("POST", "/login", { json: { email: "GRACE.HOPPER@example.com", password: "password-1" } });
    expect(login.status).toBe(200);
  });

  test("stores an argon2id hash, never the password", async () => {
    await h.call("POST", "/users", { json: { email: "hash@example.com", password: "plain-text-pw", name: "H" } });
    const rows = await h.client.sql`select password_hash from users where email = 'hash@example.com'`;
    expect(rows[0]?.password_hash).toStartWith("$argon2id$");
    expect(rows[0]?.password_hash).not.toContain("plain-text-pw");
  });

  test("accepts the bounds: 254-char email, 100-char name, 8 and 128-char passwords, unicode names", async () => {
    const local = "a".repeat(64);
    const domain = `${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(57)}.com`;
    const email = `${local}@${domain}`;
    expect(email.length).toBe(254);
    expect((await h.call("POST", "/users", { json: { email, password: "12345678", name: "n".repeat(100) } })).status).toBe(201);
    const long = await h.call("POST", "/users", { json: { email: h.uniqueEmail(), password: "p".repeat(128), name: "Zoë 李" } });
    expect(long.status).toBe(201);
    expect(long.body.name).toBe("Zoë 李");
  });

  test("signs up no admin: role is always user", async () => {
    const res = await h.call("POST", "/users", { json: { email: h.uniqueEmail(), password: "password-1", name: "R" } });
    expect(res.body.role).toBe("user");
  });
});
