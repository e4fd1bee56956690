import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PUBLIC_ROUTES } from "./route-table.ts";
import { expectProblem, expectTraceId } from "./test-support/assertions.ts";
import { type Harness, startHarness } from "./test-support/harness.ts";

// JWT at the edge, against a real Envoy that fetched its JWKS from the users stub.

let gw: Harness;

beforeAll(async () => {
  gw = await startHarness();
});
afterAll(async () => {
  await gw?.stop();
});

const concrete = (path: string) => path.replace(/\{\w+\}/, "id-1");
const protectedRoutes = PUBLIC_ROUTES.filter((r) => r.auth === "bearer");
const publicRoutes = PUBLIC_ROUTES.filter((r) => r.auth === "public");

const send = (method: string, path: string, authorization?: string) =>
  fetch(gw.url + path, {
    method,
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    ...(["POST", "PATCH"].includes(method) ? { body: "{}" } : {}),
  });

const seenCount = () => Object.values(gw.stubs).reduce((n, s) => n + s.seen.length, 0);

describe("protected routes refuse requests without a valid token", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const forged: [string, () => Promise<string | undefined>][] = [
    ["no Authorization header", async () => undefined],
    ["a non-Bearer scheme", async () => `Basic ${btoa("admin:admin")}`],
    ["a malformed token", async () => "Bearer not.a.jwt"],
    ["alg none", async () => `Bearer ${gw.tokens.unsigned()}`],
    ["a signature by another key", async () => `Bearer ${await gw.tokens.wrongKey()}`],
    ["an expired token", async () => `Bearer ${await gw.tokens.valid({ iat: now() - 7200, exp: now() - 3600 })}`],
    ["another issuer", async () => `Bearer ${await gw.tokens.valid({ iss: "someone-else" })}`],
    ["another audience", async () => `Bearer ${await gw.tokens.valid({ aud: "another-api" })}`],
  ];

  for (const route of protectedRoutes) {
    for (const [label, authorization] of forged) {
      test(`${route.method} ${route.path} with ${label} → 401 problem`, async () => {
        const before = seenCount();
        const response = await send(route.method, concrete(route.path), await authorization());
        await expectProblem(response, 401, "unauthorized");
        expect(seenCount()).toBe(before);
      });
    }
  }
});

describe("valid tokens", () => {
  for (const route of protectedRoutes) {
    test(`${route.method} ${route.path} with a valid token reaches ${route.service}`, async () => {
      const token = await gw.tokens.valid({ sub: "user-42", role: "admin" });
      const response = await send(route.method, concrete(route.path), `Bearer ${token}`);
      expect(response.status).toBe(200);
      const echoed = (await response.json()) as { service: string; headers: Record<string, string> };
      expect(echoed.service).toBe(route.service);
      // Forwarded as sent, and nothing derived from it is added.
      expect(echoed.headers.authorization).toBe(`Bearer ${token}`);
      expect(echoed.headers["x-jwt-payload"]).toBeUndefined();
      expectTraceId(response);
    });
  }

  test("the 401 says why, without leaking anything", async () => {
    const response = await send("GET", "/user", `Bearer ${await gw.tokens.wrongKey()}`);
    const body = await expectProblem(response, 401, "unauthorized");
    expect(body.title).toBe("Unauthorized");
    expect(String(body.detail)).not.toContain("127.0.0.1");
  });
});

describe("public routes need no token", () => {
  for (const route of publicRoutes) {
    test(`${route.method} ${route.path} without a token reaches ${route.service}`, async () => {
      const response = await send(route.method, concrete(route.path));
      expect(response.status).toBe(200);
      expectTraceId(response);
    });
  }

  test("a bad token on a public route is left for the service to judge", async () => {
    const response = await send("GET", "/postings", "Bearer not.a.jwt");
    expect(response.status).toBe(200);
    const echoed = (await response.json()) as { headers: Record<string, string> };
    expect(echoed.headers.authorization).toBe("Bearer not.a.jwt");
  });
});

test("Envoy fetched the JWKS through the users cluster, once, not per request", () => {
  const fetches = gw.stubs.users.seen.filter((r) => r.path === "/.well-known/jwks.json");
  expect(fetches.length).toBeGreaterThanOrEqual(1);
  expect(fetches.length).toBeLessThanOrEqual(2);
});
