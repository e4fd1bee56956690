import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

// Password changes hash and verify with argon2id several times per test; 5 s is tight on a shared machine.
setDefaultTimeout(30_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "users_me_err" });
});
afterAll(() => h?.close());

describe("PATCH /user errors", () => {
  const invalid: Array<[string, unknown, string]> = [
    ["role", { role: "admin" }, "role"],
    ["role with a valid name", { name: "Fine", role: "admin" }, "role"],
    ["email (not changeable)", { email: "new@example.com" }, "email"],
    ["empty body", {}, "(root)"],
    ["empty name", { name: " " }, "name"],
    ["long name", { name: "n".repeat(101) }, "name"],
    ["short password", { password: "short" }, "password"],
    ["long password", { password: "p".repeat(129) }, "password"],
    ["null name", { name: null }, "name"],
  ];
  for (const [what, json, path] of invalid) {
    test(`${what} → 400 naming ${path}, nothing changed, no event`, async () => {
      const user = await h.signUp({ name: "Unchanged" });
      const res = await h.call("PATCH", "/user", { token: user.token, json });
      expectProblem(res, 400, "validation");
      // Unknown fields are reported at the root with the field in the message: `Unrecognized key: "role"`.
      const named = res.body.errors.some((e: { path: string; message: string }) => e.path === path || e.message.includes(`"${path}"`));
      expect(named).toBe(true);
      const me = await h.call("GET", "/user", { token: user.token });
      expect(me.body).toMatchObject({ name: "Unchanged", role: "user", email: user.email });
      expect((await h.outboxRows()).filter((r) => r.data.userId === user.id)).toHaveLength(0);
    });
  }

  test("malformed JSON, wrong content type, too-large body", async () => {
    const user = await h.signUp();
    const token = user.token;
    expectProblem(await h.call("PATCH", "/user", { token, body: "{", headers: { "content-type": "application/json" } }), 400);
    expectProblem(await h.call("PATCH", "/user", { token, body: "name=x", headers: { "content-type": "text/plain" } }), 415);
    expectProblem(await h.call("PATCH", "/user", { token, json: { name: "x".repeat(17_000) } }), 413);
  });

  test("a failing transaction writes neither the change nor the event (500 problem, no internals)", async () => {
    const user = await h.signUp({ name: "Atomic" });
    await h.db.execute(
      sql.raw(`
      create function fail_outbox() returns trigger language plpgsql as $$ begin raise exception 'outbox unavailable'; end $$;
      create trigger fail_outbox before insert on outbox for each row execute function fail_outbox();`),
    );
    try {
      const patch = await h.call("PATCH", "/user", {
        token: user.token,
        json: { name: "Half Done", password: "half-done-password", currentPassword: user.password },
      });
      expectProblem(patch, 500, "internal");
      expect(patch.text).not.toContain("outbox unavailable");
      const del = await h.call("DELETE", "/user", { token: user.token });
      expectProblem(del, 500, "internal");
    } finally {
      await h.db.execute(sql.raw("drop trigger fail_outbox on outbox; drop function fail_outbox();"));
    }
    const me = await h.call("GET", "/user", { token: user.token });
    expect(me.status).toBe(200);
    expect(me.body.name).toBe("Atomic");
    expect((await h.call("POST", "/login", { json: { email: user.email, password: user.password } })).status).toBe(200);
    expect((await h.outboxRows()).filter((r) => r.data.userId === user.id)).toHaveLength(0);
    expect(h.logs.some((line) => line.includes("unhandled error"))).toBe(true);
  });
});

describe("a deleted account's still-valid token", () => {
  test("is 401 on GET, PATCH and DELETE /user, with no event written", async () => {
    const user = await h.signUp();
    expect((await h.call("DELETE", "/user", { token: user.token })).status).toBe(204);
    const before = (await h.outboxRows()).length;
    for (const [method, json] of [["GET"], ["PATCH", { name: "Ghost" }], ["DELETE"]] as const) {
      const res = await h.call(method, "/user", { token: user.token, ...(json ? { json } : {}) });
      expectProblem(res, 401, "unauthorized");
      expect(res.body.detail).toContain("no longer exists");
    }
    expect((await h.outboxRows()).length).toBe(before);
  });
});
