import { afterAll, beforeAll, expect, test } from "bun:test";
import { waitFor } from "./test-support/admin.ts";
import { expectProblem } from "./test-support/assertions.ts";
import { AUDIENCE, type Harness, ISSUER, startHarness } from "./test-support/harness.ts";
import { createTokenKit, type TokenKit } from "./test-support/tokens.ts";

// Key rotation: users publishes a new key; once Envoy's cached JWKS expires it refetches in the
// background and tokens signed with the new key pass, while tokens of the old key still do.

let gw: Harness;
let next: TokenKit;

beforeAll(async () => {
  gw = await startHarness({ jwksCacheSeconds: 1 });
  next = await createTokenKit(ISSUER, AUDIENCE);
});
afterAll(async () => {
  await gw?.stop();
});

const getUser = async (token: string) => fetch(`${gw.url}/user`, { headers: { authorization: `Bearer ${token}` } });

test("a key users has not published yet is refused", async () => {
  await expectProblem(await getUser(await next.valid()), 401, "unauthorized");
});

test("after users publishes it, the next JWKS refresh lets its tokens in", async () => {
  gw.publishJwks({ keys: [...gw.tokens.jwks.keys, ...next.jwks.keys] });
  const token = await next.valid();
  await waitFor("the rotated key to be accepted", async () => (await getUser(token)).status === 200, 5_000);
  expect((await getUser(await gw.tokens.valid())).status).toBe(200);
});

test("a retired key stops working once it leaves the JWKS", async () => {
  gw.publishJwks(next.jwks);
  const old = await gw.tokens.valid();
  await waitFor("the retired key to be refused", async () => (await getUser(old)).status === 401, 5_000);
});
