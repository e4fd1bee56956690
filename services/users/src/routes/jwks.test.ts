import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHarness, type Harness } from "../test-support/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "users_jwks" });
});
afterAll(() => h?.close());

describe("GET /.well-known/jwks.json", () => {
  test("is public, cacheable briefly, and lists the active EdDSA key without private parts", async () => {
    const res = await h.call("GET", "/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    expect(res.body.keys).toHaveLength(1);
    const [key] = res.body.keys;
    expect(key).toEqual({ kty: "OKP", crv: "Ed25519", x: expect.any(String), kid: expect.any(String), alg: "EdDSA", use: "sig" });
    expect(res.text).not.toContain('"d"');
  });

  test("after a rotation it lists both keys, and tokens from before still work", async () => {
    const user = await h.signUp();
    const { kid, retiredKid } = await h.keys.rotate();
    const res = await h.call("GET", "/.well-known/jwks.json");
    expect(res.body.keys.map((k: { kid: string }) => k.kid).sort()).toEqual([kid, retiredKid].sort());
    expect((await h.call("GET", "/user", { token: user.token })).status).toBe(200);
    const fresh = await h.call("POST", "/login", { json: { email: user.email, password: user.password } });
    const header = JSON.parse(Buffer.from(fresh.body.accessToken.split(".")[0], "base64url").toString());
    expect(header.kid).toBe(kid);
  });
});
