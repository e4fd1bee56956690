import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHarness, type Harness } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "users_signup_err" });
});
afterAll(() => h?.close());

const valid = () => ({ email: h.uniqueEmail(), password: "password-1", name: "Valid" });

describe("POST /users errors", () => {
  test("an existing email is 409, compared case-insensitively and after trimming", async () => {
    const body = valid();
    expect((await h.call("POST", "/users", { json: body })).status).toBe(201);
    for (const email of [body.email, body.email.toUpperCase(), `  ${body.email}\t`]) {
      const res = await h.call("POST", "/users", { json: { ...body, email, password: "other-password" } });
      expectProblem(res, 409, "conflict");
    }
  });

  test("concurrent sign-ups with one email: one 201, the rest 409", async () => {
    const body = valid();
    const results = await Promise.all(
      [body.email, body.email.toUpperCase(), body.email, ` ${body.email}`].map((email) =>
        h.call("POST", "/users", { json: { ...body, email } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ["email not an email", { email: "not-an-email" }, "email"],
    ["email too long", { email: `${"a".repeat(250)}@x.io` }, "email"],
    ["email empty", { email: "   " }, "email"],
    ["password too short", { password: "1234567" }, "password"],
    ["password too long", { password: "p".repeat(129) }, "password"],
    ["name empty after trim", { name: "   " }, "name"],
    ["name too long", { name: "n".repeat(101) }, "name"],
    ["name with a newline", { name: "Ada\nLovelace" }, "name"],
    ["email not a string", { email: 42 }, "email"],
    ["password null", { password: null }, "password"],
  ];
  for (const [what, override, path] of invalid) {
    test(`${what} → 400 naming ${path}`, async () => {
      const res = await h.call("POST", "/users", { json: { ...valid(), ...override } });
      expectProblem(res, 400, "validation");
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    });
  }

  test("missing fields → 400 listing each", async () => {
    const res = await h.call("POST", "/users", { json: {} });
    expectProblem(res, 400, "validation");
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["email", "name", "password"]);
  });

  test("unknown fields are refused (role cannot be chosen at sign-up)", async () => {
    const res = await h.call("POST", "/users", { json: { ...valid(), role: "admin" } });
    expectProblem(res, 400, "validation");
    expect(JSON.stringify(res.body.errors)).toContain("role");
  });

  test("a JSON array or scalar body → 400", async () => {
    expectProblem(await h.call("POST", "/users", { json: [valid()] }), 400);
    expectProblem(await h.call("POST", "/users", { json: "hello" }), 400);
    expectProblem(await h.call("POST", "/users", { body: "null", headers: { "content-type": "application/json" } }), 400);
  });

  test("malformed JSON → 400 problem", async () => {
    const res = await h.call("POST", "/users", { body: "{not json", headers: { "content-type": "application/json" } });
    expectProblem(res, 400, "malformed-request");
  });

  test("empty body with a JSON content type → 400 problem", async () => {
    expectProblem(await h.call("POST", "/users", { body: "", headers: { "content-type": "application/json" } }), 400);
  });

  test("wrong or missing content type → 415 problem", async () => {
    const body = JSON.stringify(valid());
    expectProblem(await h.call("POST", "/users", { body, headers: { "content-type": "text/plain" } }), 415, "unsupported-media-type");
    expectProblem(await h.call("POST", "/users", { body, headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
    expectProblem(await h.call("POST", "/users", { body }), 415);
  });

  test("a body over 16 KiB → 413 problem", async () => {
    const res = await h.call("POST", "/users", { json: { ...valid(), name: "x".repeat(20_000) } });
    expectProblem(res, 413, "payload-too-large");
  });

  test("nothing was created by any refused request", async () => {
    const rows = await h.client.sql`select count(*)::int as n from users where name <> 'Valid'`;
    expect(rows[0]?.n).toBe(0);
  });

  test("unknown routes are 404 problems; undeclared methods 405 with Allow", async () => {
    expectProblem(await h.call("GET", "/nowhere"), 404, "not-found");
    const list = await h.call("GET", "/users");
    expectProblem(list, 405, "method-not-allowed");
    expect(list.headers.get("allow")).toBe("POST");
    expectProblem(await h.call("PUT", "/user", { json: {} }), 405, "method-not-allowed");
  });
});
