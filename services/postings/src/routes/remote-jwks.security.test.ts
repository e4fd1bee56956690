import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTokenVerifier, remoteKeySet } from "@msa-board/service-kit/auth";
import { createTestTokens, type TestTokens } from "@msa-board/service-kit/test-support";
import type { JWK } from "jose";
import { AUDIENCE, createHarness, type Harness, ISSUER } from "../test-support/harness.ts";
import { expectProblem } from "../test-support/problems.ts";

/** A real JWKS endpoint over HTTP, as users serves it, whose keys the test can rotate. */
function startJwksServer(initial: JWK[]) {
  const state = { keys: initial, fetches: 0 };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      if (new URL(req.url).pathname !== "/.well-known/jwks.json") return new Response("no", { status: 404 });
      state.fetches += 1;
      return Response.json({ keys: state.keys }, { headers: { "cache-control": "max-age=300" } });
    },
  });
  return { state, url: `http://127.0.0.1:${server.port}/.well-known/jwks.json`, stop: () => server.stop(true) };
}

describe("tokens verified against a remote JWKS over HTTP", () => {
  let h: Harness;
  let first: TestTokens;
  let second: TestTokens;
  let jwks: ReturnType<typeof startJwksServer>;
  const COOLDOWN_MS = 100;

  beforeAll(async () => {
    first = await createTestTokens({ issuer: ISSUER, audience: AUDIENCE });
    second = await createTestTokens({ issuer: ISSUER, audience: AUDIENCE });
    jwks = startJwksServer([...first.jwks.keys]);
    h = await createHarness({
      prefix: "postings_jwks",
      verifyToken: createTokenVerifier({ keys: remoteKeySet(jwks.url, { cooldownMs: COOLDOWN_MS }), issuer: ISSUER, audience: AUDIENCE }),
    });
  });
  afterAll(async () => {
    jwks?.stop();
    await h?.close();
  });

  const post = (token: string) => h.call("POST", "/postings", { token, json: { title: "remote", body: "b" } });

  test("a token signed by a published key is accepted; the key set is fetched once and cached", async () => {
    const token = await first.sign({ sub: crypto.randomUUID(), name: "Remote Ada" });
    expect((await post(token)).status).toBe(201);
    expect((await post(token)).status).toBe(201);
    expect(jwks.state.fetches).toBe(1);
  });

  test("after users rotates keys, a token with an unknown kid triggers one refetch and is accepted", async () => {
    await Bun.sleep(COOLDOWN_MS + 20);
    jwks.state.keys = [...first.jwks.keys, ...second.jwks.keys];
    const token = await second.sign({ sub: crypto.randomUUID(), name: "Rotated" });
    const res = await post(token);
    expect(res.status).toBe(201);
    expect(res.body.authorName).toBe("Rotated");
    expect(jwks.state.fetches).toBe(2);
    // Both keys are now cached: no further fetches.
    expect((await post(await first.sign({ sub: crypto.randomUUID() }))).status).toBe(201);
    expect(jwks.state.fetches).toBe(2);
  });

  test("forged tokens are refused (401) with the remote key set too", async () => {
    const forged = await first.forged({ sub: crypto.randomUUID(), role: "admin" });
    for (const [attack, token] of Object.entries(forged)) {
      const res = await post(token);
      if (res.status !== 401) throw new Error(`${attack}: answered ${res.status}`);
      expectProblem(res, 401, "unauthorized");
    }
  });

  test("a kid the JWKS does not list is 401, and refetches are rate-limited by the cooldown", async () => {
    const stranger = await createTestTokens({ issuer: ISSUER, audience: AUDIENCE });
    await Bun.sleep(COOLDOWN_MS + 20);
    const before = jwks.state.fetches;
    for (let i = 0; i < 5; i++) expectProblem(await post(await stranger.sign({ sub: crypto.randomUUID() })), 401);
    expect(jwks.state.fetches - before).toBeLessThanOrEqual(1);
  });

  test("with the JWKS unreachable, a token that needs it is a 503 problem with Retry-After (it may be valid), not a 401 or 500", async () => {
    const unreachable = createTokenVerifier({
      keys: remoteKeySet("http://127.0.0.1:9/.well-known/jwks.json", { timeoutMs: 500 }),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    await expect(unreachable(await first.sign({ sub: "x" }))).rejects.toMatchObject({ status: 503, code: "unavailable" });
  });
});
