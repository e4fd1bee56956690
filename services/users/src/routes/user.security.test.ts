import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { forgedTokens } from "../test-support/forged-tokens.ts";
import { createHarness, type Harness, TTL_SECONDS } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

let h: Harness;
let victim: Awaited<ReturnType<Harness["signUp"]>>;
let other: Awaited<ReturnType<Harness["signUp"]>>;
let forged: Record<string, string>;

beforeAll(async () => {
  h = await createHarness({ prefix: "users_security" });
  victim = await h.signUp({ name: "Victim" });
  other = await h.signUp({ name: "Other" });
  forged = await forgedTokens(h.keys, victim, other);
});
afterAll(() => h?.close());

/** Every protected route, with a body that would change something if the request got through. */
const protectedRoutes = [
  { method: "GET", path: "/user" },
  { method: "PATCH", path: "/user", json: { name: "Hacked" } },
  { method: "DELETE", path: "/user" },
] as const;

describe("protected routes refuse requests that are not from a live account", () => {
  for (const route of protectedRoutes) {
    test(`${route.method} ${route.path} without a token → 401 with a Bearer challenge`, async () => {
      const res = await h.call(route.method, route.path, "json" in route ? { json: route.json } : {});
      expectProblem(res, 401, "unauthorized");
      expect(res.headers.get("www-authenticate")).toStartWith("Bearer");
    });

    test(`${route.method} ${route.path} with a non-Bearer Authorization → 401`, async () => {
      for (const authorization of [`Basic ${btoa("a:b")}`, `Token ${victim.token}`, `Bearer`, `Bearer  ${victim.token}`]) {
        const res = await h.call(route.method, route.path, {
          headers: { authorization },
          ...("json" in route ? { json: route.json } : {}),
        });
        expectProblem(res, 401, "unauthorized");
      }
    });

    test(`${route.method} ${route.path} refuses every forged token with 401`, async () => {
      const accepted: string[] = [];
      for (const [attack, token] of Object.entries(forged)) {
        const res = await h.call(route.method, route.path, {
          headers: { authorization: `Bearer ${token}` },
          ...("json" in route ? { json: route.json } : {}),
        });
        if (res.status !== 401) accepted.push(`${attack}: ${res.status}`);
        else expectProblem(res, 401, "unauthorized");
      }
      expect(accepted).toEqual([]);
    });

    test(`${route.method} ${route.path} refuses a real token once it expired (clock past exp) → 401`, async () => {
      h.clock.offsetMs = (TTL_SECONDS + 5) * 1000;
      try {
        const res = await h.call(route.method, route.path, { token: victim.token, ...("json" in route ? { json: route.json } : {}) });
        expectProblem(res, 401, "unauthorized");
        expect(res.body.detail).toContain("expired");
      } finally {
        h.clock.offsetMs = 0;
      }
    });
  }

  test("after all attacks both accounts are untouched and no event was written", async () => {
    const me = await h.call("GET", "/user", { token: victim.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ name: "Victim", role: "user" });
    expect((await h.call("GET", "/user", { token: other.token })).body.name).toBe("Other");
    expect(await h.outboxRows()).toHaveLength(0);
  });

  test("the token of one user only ever reaches that user", async () => {
    const res = await h.call("PATCH", "/user", { token: other.token, json: { name: "Other 2" } });
    expect(res.body.id).toBe(other.id);
    expect((await h.call("GET", "/user", { token: victim.token })).body.name).toBe("Victim");
  });

  test("the role in a token is not trusted: GET /user reports the stored role", async () => {
    const res = await h.call("GET", "/user", { token: victim.token });
    expect(res.body.role).toBe("user");
  });
});
