import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { AUDIENCE, createHarness, type Harness, ISSUER, TTL_SECONDS } from "../test-support/harness.ts";
import { createPasswordHasher } from "../users/passwords.ts";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "users_login" });
});
afterAll(() => h?.close());

describe("POST /login", () => {
  test("gives a Bearer token with the contract's claims, verifiable with the published JWKS", async () => {
    const email = h.uniqueEmail();
    const created = await h.call("POST", "/users", { json: { email, password: "password-1", name: "Ada" } });
    const res = await h.call("POST", "/login", { json: { email, password: "password-1" } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["accessToken", "expiresIn", "refreshToken", "tokenType"]);
    expect(res.body.tokenType).toBe("Bearer");
    expect(res.body.expiresIn).toBe(TTL_SECONDS);
    expect(res.headers.get("cache-control")).toBe("no-store");

    const header = decodeProtectedHeader(res.body.accessToken);
    expect(header.alg).toBe("EdDSA");
    expect(header.kid).toBeString();
    const jwks = (await h.call("GET", "/.well-known/jwks.json")).body;
    const { payload } = await jwtVerify(res.body.accessToken, createLocalJWKSet(jwks), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["EdDSA"],
    });
    expect(payload).toMatchObject({ sub: created.body.id, role: "user", name: "Ada", iss: ISSUER, aud: AUDIENCE });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(TTL_SECONDS);
    expect(Math.abs((payload.iat ?? 0) - Date.now() / 1000)).toBeLessThan(5);
  });

  test("the email is matched case-insensitively and trimmed", async () => {
    const user = await h.signUp({ email: h.uniqueEmail("case") });
    const res = await h.call("POST", "/login", { json: { email: `  ${user.email.toUpperCase()} `, password: user.password } });
    expect(res.status).toBe(200);
  });

  test("the token works on GET /user", async () => {
    const user = await h.signUp({ name: "Token User" });
    const me = await h.call("GET", "/user", { token: user.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);
  });

  test("an equivalent unicode spelling of the password logs in (NFC)", async () => {
    const composed = "caf\u00e9-password"; // é as one code point
    const decomposed = "cafe\u0301-password"; // e + combining accent
    const user = await h.signUp({ password: composed });
    expect((await h.call("POST", "/login", { json: { email: user.email, password: decomposed } })).status).toBe(200);
  });

  test("a hash made with older parameters is upgraded on a successful login", async () => {
    const user = await h.signUp();
    const weak = createPasswordHasher({ memoryKib: 8_192, timeCost: 1 });
    const oldHash = await weak.hash(user.password);
    await h.client.sql`update users set password_hash = ${oldHash} where id = ${user.id}`;
    expect((await h.call("POST", "/login", { json: { email: user.email, password: user.password } })).status).toBe(200);
    const [row] = await h.client.sql`select password_hash from users where id = ${user.id}`;
    expect(row?.password_hash).not.toBe(oldHash);
    expect(row?.password_hash).toContain("m=19456,t=2,p=1");
    expect((await h.call("POST", "/login", { json: { email: user.email, password: user.password } })).status).toBe(200);
  });
});
