import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHarness, type Harness } from "../test-support/harness.ts";

// Password changes hash and verify with argon2id several times per test; 5 s is tight on a shared machine.
setDefaultTimeout(30_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "users_me" });
});
afterAll(() => h?.close());

describe("GET /user", () => {
  test("is the caller, read fresh from the database", async () => {
    const user = await h.signUp({ name: "Reader" });
    const res = await h.call("GET", "/user", { token: user.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: user.id, email: user.email, name: "Reader", role: "user", createdAt: expect.any(String) });
  });
});

describe("PATCH /user", () => {
  test("changes the name (trimmed) and writes a user.updated outbox row in the same transaction", async () => {
    const user = await h.signUp({ name: "Before" });
    const res = await h.call("PATCH", "/user", { token: user.token, json: { name: "  After " } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, name: "After", role: "user", email: user.email });
    expect((await h.call("GET", "/user", { token: user.token })).body.name).toBe("After");
    const events = (await h.outboxRows()).filter((row) => row.data.userId === user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "user.updated", data: { userId: user.id, name: "After" }, published_at: null });
    expect(events[0]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/); // UUIDv7
  });

  test("changes the password: the new one logs in, the old one does not", async () => {
    const user = await h.signUp();
    const res = await h.call("PATCH", "/user", {
      token: user.token,
      json: { password: "brand-new-password", currentPassword: user.password },
    });
    expect(res.status).toBe(200);
    expect((await h.call("POST", "/login", { json: { email: user.email, password: "brand-new-password" } })).status).toBe(200);
    expect((await h.call("POST", "/login", { json: { email: user.email, password: user.password } })).status).toBe(401);
    const events = (await h.outboxRows()).filter((row) => row.data.userId === user.id);
    expect(events.map((e) => e.type)).toEqual(["user.updated"]);
    expect(JSON.stringify(events)).not.toContain("brand-new-password");
  });

  test("changes name and password together", async () => {
    const user = await h.signUp({ name: "Both" });
    const res = await h.call("PATCH", "/user", {
      token: user.token,
      json: { name: "Both Changed", password: "another-password", currentPassword: user.password },
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe("Both Changed");
    expect((await h.call("POST", "/login", { json: { email: user.email, password: "another-password" } })).status).toBe(200);
  });

  test("a new login carries the new name in the token", async () => {
    const user = await h.signUp({ name: "Old" });
    await h.call("PATCH", "/user", { token: user.token, json: { name: "New" } });
    const login = await h.call("POST", "/login", { json: { email: user.email, password: user.password } });
    const payload = JSON.parse(Buffer.from(login.body.accessToken.split(".")[1], "base64url").toString());
    expect(payload.name).toBe("New");
  });
});

describe("DELETE /user", () => {
  test("deletes the account (204, empty body), writes user.deleted, and login stops working", async () => {
    const user = await h.signUp();
    const res = await h.call("DELETE", "/user", { token: user.token });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const rows = await h.client.sql`select count(*)::int as n from users where id = ${user.id}`;
    expect(rows[0]?.n).toBe(0);
    const events = (await h.outboxRows()).filter((row) => row.data.userId === user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "user.deleted", data: { userId: user.id } });
    expect(Object.keys(events[0]?.data ?? {})).toEqual(["userId"]);
    expect((await h.call("POST", "/login", { json: { email: user.email, password: user.password } })).status).toBe(401);
  });

  test("the email can be used again after deletion", async () => {
    const user = await h.signUp();
    await h.call("DELETE", "/user", { token: user.token });
    const again = await h.call("POST", "/users", { json: { email: user.email, password: "password-2", name: "Again" } });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(user.id);
  });
});
