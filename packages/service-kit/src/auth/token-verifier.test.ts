import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { handleErrors } from "../http/error-handler.ts";
import { createLogger } from "../logger.ts";
import { createTestTokens } from "../test-support/tokens.ts";
import { requireAuth, requireRole } from "./middleware.ts";
import { createTokenVerifier, remoteKeySet } from "./token-verifier.ts";

const issuer = "msa-board";
const audience = "msa-board";
const tokens = await createTestTokens({ issuer, audience });
const verify = createTokenVerifier({ keys: tokens.keys, issuer, audience });

const app = new Hono();
app.onError(handleErrors(createLogger({ service: "test", write: () => {} })));
app.get("/me", requireAuth({ verify }), (c) => c.json(c.get("principal")));
app.get("/admin", requireAuth({ verify }), requireRole(), (c) => c.text("ok"));

const forged = await tokens.forged({ sub: "u1", role: "user", name: "Ada" });

describe("requireAuth", () => {
  test("a valid token yields the principal", async () => {
    const token = await tokens.sign({ sub: "u1", role: "user", name: "Ada" });
    const res = await app.request("/me", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const principal = await res.json();
    expect(principal).toMatchObject({ userId: "u1", role: "user", name: "Ada" });
    expect(Math.abs(Date.parse(principal.issuedAt) - Date.now())).toBeLessThan(5_000);
  });

  test("no token is a 401 problem with a Bearer challenge", async () => {
    const res = await app.request("/me");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
    expect((await res.json()).type).toBe("https://msa-board.dev/problems/unauthorized");
  });

  test("credentials that are not a bearer token are a 401 invalid_request; the scheme is case-insensitive", async () => {
    const token = await tokens.sign({ sub: "u1" });
    for (const authorization of [`Basic ${btoa("a:b")}`, "Bearer", `Bearer  ${token}`, `Token ${token}`, "Bearer a b"]) {
      const res = await app.request("/me", { headers: { authorization } });
      expect({ authorization, status: res.status, challenge: res.headers.get("www-authenticate") }).toEqual({
        authorization,
        status: 401,
        challenge: 'Bearer error="invalid_request"',
      });
    }
    expect((await app.request("/me", { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
  });

  for (const [attack, token] of Object.entries(forged)) {
    test(`forged token refused: ${attack}`, async () => {
      const res = await app.request("/me", { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_(token|request)"$/);
      const body = await res.json();
      expect(body.status).toBe(401);
      expect(JSON.stringify(body)).not.toContain("stack");
    });
  }

  test("the kit forges every attack it names, and more than the historic seven", () => {
    expect(Object.keys(forged).length).toBeGreaterThanOrEqual(25);
    expect(new Set(Object.values(forged)).size).toBe(Object.keys(forged).length);
  });

  test("a non-admin is forbidden from admin routes", async () => {
    const token = await tokens.sign({ sub: "u1", role: "user" });
    const res = await app.request("/admin", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    const admin = await tokens.sign({ sub: "u2", role: "admin" });
    expect((await app.request("/admin", { headers: { authorization: `Bearer ${admin}` } })).status).toBe(200);
  });
});

describe("an unreachable key set", () => {
  const down = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("down", { status: 503 }) });
  const refused = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("x") });
  const refusedUrl = `http://127.0.0.1:${refused.port}/jwks.json`;
  refused.stop(true);

  for (const [what, url] of [
    ["answers 503", `http://127.0.0.1:${down.port}/jwks.json`],
    ["refuses connections", refusedUrl],
  ] as const) {
    test(`JWKS ${what}: a valid token is 503 unavailable with Retry-After, never 401 or 500`, async () => {
      const verifyRemote = createTokenVerifier({ keys: remoteKeySet(url, { timeoutMs: 500 }), issuer, audience });
      const remote = new Hono();
      remote.onError(handleErrors(createLogger({ service: "test", write: () => {} })));
      remote.get("/me", requireAuth({ verify: verifyRemote }), (c) => c.text("ok"));
      const res = await remote.request("/me", { headers: { authorization: `Bearer ${await tokens.sign({ sub: "u1" })}` } });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect((await res.json()).type).toBe("https://msa-board.dev/problems/unavailable");
    });
  }
});
