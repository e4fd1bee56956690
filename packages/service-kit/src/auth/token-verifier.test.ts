import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { handleErrors } from "../http/error-handler.ts";
import { createLogger } from "../logger.ts";
import { createTestTokens } from "../test-support/tokens.ts";
import { requireAuth, requireRole } from "./middleware.ts";
import { createTokenVerifier } from "./token-verifier.ts";

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

  for (const [attack, token] of Object.entries(forged)) {
    test(`forged token refused: ${attack}`, async () => {
      const res = await app.request("/me", { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      const body = await res.json();
      expect(body.status).toBe(401);
      expect(JSON.stringify(body)).not.toContain("stack");
    });
  }

  test("a non-admin is forbidden from admin routes", async () => {
    const token = await tokens.sign({ sub: "u1", role: "user" });
    const res = await app.request("/admin", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    const admin = await tokens.sign({ sub: "u2", role: "admin" });
    expect((await app.request("/admin", { headers: { authorization: `Bearer ${admin}` } })).status).toBe(200);
  });
});
