import assert from "node:assert/strict";
import { remoteKeySet } from "@msa-board/service-kit/auth";
import { createTestTokens } from "@msa-board/service-kit/test-support/tokens";
import { assertProblem } from "../test_support/assertions.ts";
import { AUDIENCE, createNotice, type Harness, ISSUER, startHarness } from "../test_support/harness.ts";
import { serveJwks } from "../test_support/jwks_server.ts";
import { keysUnder } from "../test_support/redis.ts";

const adminClaims = { sub: "mallory", role: "admin", name: "Mallory" };

type Auth = { token?: string; headers?: Record<string, string> };
type WriteRoute = { name: string; send: (h: Harness, auth: Auth, id: string) => ReturnType<Harness["request"]> };

/** Every protected route; the same checks run against each. */
const writeRoutes: WriteRoute[] = [
  {
    name: "POST /notice",
    send: (h, auth) => h.request("POST", "/notice", { ...auth, json: { title: "t", body: "b" } }),
  },
  {
    name: "PATCH /notice/{id}",
    send: (h, auth, id) => h.request("PATCH", `/notice/${id}`, { ...auth, json: { title: "hacked" } }),
  },
  { name: "DELETE /notice/{id}", send: (h, auth, id) => h.request("DELETE", `/notice/${id}`, auth) },
];

/** The store holds exactly the one seeded notice, unchanged. */
async function assertUntouched(h: Harness, seeded: { id: string }) {
  assert.deepEqual((await h.request("GET", "/notice")).body.items, [
    (await h.request("GET", `/notice/${seeded.id}`)).body,
  ]);
  assert.equal((await h.request("GET", `/notice/${seeded.id}`)).body.title, "Maintenance");
  assert.equal((await keysUnder(h.redis, h.keyPrefix)).length, 2);
}

for (const route of writeRoutes) {
  Deno.test(`${route.name}: no token, a non-bearer header or a forged token → 401 problem, nothing written`, async (t) => {
    await using h = await startHarness();
    const seeded = await createNotice(h);
    await t.step("no Authorization header", async () => {
      const res = await route.send(h, {}, seeded.id);
      assertProblem(res, 401, "unauthorized");
      assert.equal(res.headers.get("www-authenticate"), "Bearer");
    });
    for (const authorization of ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer a b", "token abc"]) {
      await t.step(`Authorization: ${authorization}`, async () => {
        const res = await route.send(h, { headers: { authorization } }, seeded.id);
        assertProblem(res, 401, "unauthorized");
        assert.equal(res.headers.get("www-authenticate"), 'Bearer error="invalid_request"');
      });
    }
    for (const [name, token] of Object.entries(await h.tokens.forged(adminClaims))) {
      await t.step(name, async () => {
        const res = await route.send(h, { token }, seeded.id);
        assertProblem(res, 401, "unauthorized");
        assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer( error="invalid_(token|request)")?$/);
      });
    }
    await assertUntouched(h, seeded);
  });

  Deno.test(`${route.name}: a valid token of a non-admin → 403 problem, nothing written`, async () => {
    await using h = await startHarness();
    const seeded = await createNotice(h);
    assertProblem(await route.send(h, { token: await h.userToken() }, seeded.id), 403, "forbidden");
    await assertUntouched(h, seeded);
  });
}

Deno.test("401 comes before validation: a bad body without a token is still 401", async () => {
  await using h = await startHarness();
  assertProblem(
    await h.request("POST", "/notice", { body: "nope", headers: { "content-type": "text/plain" } }),
    401,
    "unauthorized",
  );
  assertProblem(
    await h.request("POST", "/notice", { token: await h.userToken(), json: { title: "" } }),
    403,
    "forbidden",
  );
});

Deno.test("tokens and Authorization headers never reach the logs", async () => {
  await using h = await startHarness();
  const admin = await h.adminToken();
  await h.request("POST", "/notice", { token: admin, json: { title: "t", body: "b" } });
  await h.request("POST", "/notice", { token: "forged.token.value", json: { title: "t", body: "b" } });
  const all = JSON.stringify(h.logs);
  assert.ok(h.logs.length > 0);
  assert.ok(!all.includes(admin.split(".")[2] as string), "no signature in logs");
  assert.ok(!all.includes("forged.token.value"));
  assert.doesNotMatch(all, /bearer /i);
});

Deno.test("remote JWKS (a real HTTP server): verifies, refetches on an unknown kid, 503 when it is down", async (t) => {
  const first = await createTestTokens({ issuer: ISSUER, audience: AUDIENCE });
  await using jwks = serveJwks(first.jwks);
  await using h = await startHarness({ keys: remoteKeySet(jwks.url, { cooldownMs: 0, timeoutMs: 1_000 }) });
  const post = (token: string, title = "t") => h.request("POST", "/notice", { token, json: { title, body: "b" } });

  await t.step("a token signed by a published key is accepted; the key set is cached", async () => {
    const token = await first.sign(adminClaims);
    assert.equal((await post(token, "a")).status, 201);
    assert.equal((await post(token, "c")).status, 201);
    assert.equal(jwks.fetches(), 1);
  });

  await t.step("after a key rotation, the new kid triggers a refetch and works without a restart", async () => {
    const rotated = await createTestTokens({ issuer: ISSUER, audience: AUDIENCE });
    jwks.setKeys({ keys: [...first.jwks.keys, ...rotated.jwks.keys] });
    assert.equal((await post(await rotated.sign(adminClaims), "e")).status, 201);
    assert.equal(jwks.fetches(), 2);
  });

  await t.step("forged tokens are refused against the remote key set too", async () => {
    for (const [name, token] of Object.entries(await first.forged(adminClaims))) {
      const res = await post(token, "x");
      assert.equal(res.status, 401, `${name}: ${res.text}`);
    }
  });

  await t.step(
    "the key set cannot be fetched: 503 problem with Retry-After (the token may be fine), not 401 or 500",
    async () => {
      await using down = serveJwks(first.jwks);
      down.setDown(true);
      await using h2 = await startHarness({ keys: remoteKeySet(down.url, { cooldownMs: 0, timeoutMs: 1_000 }) });
      const res = await h2.request("POST", "/notice", {
        token: await first.sign(adminClaims),
        json: { title: "x", body: "y" },
      });
      assertProblem(res, 503, "unavailable");
      assert.equal(res.headers.get("retry-after"), "5");
    },
  );
});
