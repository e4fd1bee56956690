import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createHarness, type Harness } from "./test-support/harness.ts";
import { spanExporter } from "./test-support/tracing.ts";

// A whole session with a dozen argon2id hashes and verifications on a shared machine: 5 s is too tight.
setDefaultTimeout(30_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "users_secrets" });
});
afterAll(() => h?.close());

describe("secrets never leave the service", () => {
  test("no response or log line holds a password, a hash, a private key or a token", async () => {
    const passwords = ["first-Secret-pw-1", "second-Secret-pw-2", "wrong-Secret-pw-3", "short-1"];
    const email = h.uniqueEmail("secret");
    const tokens: string[] = [];
    const refreshTokens: string[] = [];

    await h.call("POST", "/users", { json: { email, password: passwords[0], name: "Secret Keeper" } });
    await h.call("POST", "/users", { json: { email, password: passwords[0], name: "Again" } }); // 409
    await h.call("POST", "/users", { json: { email: "x", password: passwords[3], name: "" } }); // 400
    await h.call("POST", "/users", { json: { email, password: passwords[0], name: "N", passwordHash: "$argon2id$x" } }); // 400
    const login = await h.call("POST", "/login", { json: { email, password: passwords[0] } });
    tokens.push(login.body.accessToken);
    await h.call("POST", "/login", { json: { email, password: passwords[2] } }); // 401
    await h.call("POST", "/login", { json: { email: "nobody@example.com", password: passwords[2] } }); // 401
    await h.call("GET", "/user", { token: tokens[0] });
    await h.call("PATCH", "/user", { token: tokens[0], json: { password: passwords[3], currentPassword: passwords[0] } }); // 400 (too short)
    await h.call("PATCH", "/user", { token: tokens[0], json: { password: passwords[1], currentPassword: passwords[2] } }); // 403
    await h.call("PATCH", "/user", { token: tokens[0], json: { name: "Renamed", password: passwords[1], currentPassword: passwords[0] } });
    await h.call("POST", "/token/refresh", { json: { refreshToken: login.body.refreshToken } }); // 401: revoked
    refreshTokens.push(login.body.refreshToken);
    await h.call("PATCH", "/user", { token: `${tokens[0]}x`, json: { name: "Forged" } }); // 401
    await h.call("GET", "/.well-known/jwks.json");
    await h.call("GET", "/openapi.json");
    await h.call("GET", "/healthz");

    const hashes = (await h.client.sql`select password_hash from users`).map((r) => String(r.password_hash));
    const privateKeys = (await h.client.sql`select private_jwk from signing_keys`).map((r) => String(JSON.parse(r.private_jwk).d));
    const relogin = await h.call("POST", "/login", { json: { email, password: passwords[1] } });
    tokens.push(relogin.body.accessToken);
    const rotated = await h.call("POST", "/token/refresh", { json: { refreshToken: relogin.body.refreshToken } });
    tokens.push(rotated.body.accessToken);
    refreshTokens.push(relogin.body.refreshToken, rotated.body.refreshToken);
    await h.call("POST", "/token/refresh", { json: { refreshToken: relogin.body.refreshToken } }); // 401: reuse
    await h.call("POST", "/logout", { json: { refreshToken: rotated.body.refreshToken } });
    const storedTokens = (await h.client.sql`select token_hash from refresh_tokens`).map((r) => String(r.token_hash));
    await h.call("DELETE", "/user", { token: tokens[1] });
    await h.call("GET", "/user", { token: tokens[1] }); // 401: account gone

    expect(hashes.length).toBeGreaterThan(0);
    expect(privateKeys.every((d) => d.length > 20)).toBe(true);
    const responses = h.responses.join("\n");
    const logs = h.logs.join("\n");
    const hashSalts = hashes.map((hash) => hash.split("$")[4] ?? hash);
    for (const secret of [...passwords, ...hashes, ...hashSalts, ...privateKeys]) {
      expect(responses).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(responses).not.toContain("$argon2");
    expect(responses).not.toMatch(/"d"\s*:/);
    for (const token of tokens) expect(logs).not.toContain(token);
    // Refresh tokens reach the client once, in the response that issued them; never a log line.
    expect(refreshTokens.filter((t) => t.length === 43)).toHaveLength(3);
    for (const token of refreshTokens) expect(logs).not.toContain(token);
    expect(storedTokens.length).toBeGreaterThanOrEqual(2);
    for (const token of refreshTokens) expect(storedTokens.join("\n")).not.toContain(token);
    expect(logs).not.toMatch(/bearer /i);
    expect(h.logs.length).toBeGreaterThan(0);
  });

  test("a failing query's parameters (email, password hash) reach neither the logs nor the exported spans", async () => {
    await h.db.execute(
      sql.raw(`
      create function fail_users() returns trigger language plpgsql as $$ begin raise exception 'users table unavailable'; end $$;
      create trigger fail_users before insert on users for each row execute function fail_users();`),
    );
    const email = h.uniqueEmail("leak-probe");
    spanExporter.reset();
    const logsBefore = h.logs.length;
    try {
      const res = await h.call("POST", "/users", { json: { email, password: "leak-probe-password", name: "Leak Probe" } });
      expect(res.status).toBe(500);
    } finally {
      await h.db.execute(sql.raw("drop trigger fail_users on users; drop function fail_users();"));
    }
    const logs = h.logs.slice(logsBefore).join("\n");
    const spans = JSON.stringify(
      spanExporter.getFinishedSpans().map((s) => ({ attributes: s.attributes, status: s.status, events: s.events })),
    );
    // The failure itself is there to diagnose (SQL text, SQLSTATE, the trigger's message)…
    expect(logs).toContain("unhandled error");
    expect(logs).toContain("users table unavailable");
    expect(spans).toContain("users table unavailable");
    expect(spans).toContain("exception");
    // …its data is not.
    for (const text of [logs, spans]) {
      expect(text).not.toContain(email);
      expect(text).not.toContain("$argon2id");
      expect(text).not.toContain("leak-probe-password");
      expect(text).not.toContain("params:");
    }
  });
});
