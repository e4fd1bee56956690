import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createSessionParts, createSigningParts, type HostSettings, prepareToSign } from "./host-wiring.ts";
import { SigningKeyStore } from "./keys/signing-key-store.ts";
import { AUDIENCE, createHarness, type Harness, ISSUER } from "./test-support/harness.ts";

// Real PostgreSQL and argon2id on a shared machine.
setDefaultTimeout(30_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ prefix: "users_host_wiring" });
});
afterAll(() => h?.close());

const settings: HostSettings = {
  PASSWORD_HASH_MEMORY_KIB: 8_192,
  PASSWORD_HASH_TIME_COST: 1,
  ACCESS_TOKEN_TTL_SECONDS: 120,
  SIGNING_KEYS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  JWT_ISSUER: ISSUER,
  JWT_AUDIENCE: AUDIENCE,
  REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS: 86_400,
  REFRESH_TOKEN_IDLE_TTL_SECONDS: 3_600,
  LOGIN_LOCKOUT_AFTER_FAILURES: 2,
  LOGIN_LOCKOUT_BASE_SECONDS: 30,
  LOGIN_LOCKOUT_MAX_SECONDS: 60,
  LOGIN_FAILURES_RESET_SECONDS: 600,
  ADMIN_EMAIL: "host-admin@example.com",
  ADMIN_PASSWORD: "host-admin-password",
  ADMIN_NAME: "Host Admin",
};

describe("what both hosts (the service, the monolith) build from the same settings", () => {
  test("prepareToSign seals keys stored in plain, opens the key and creates the admin once", async () => {
    await h.client.sql`delete from signing_keys`;
    await new SigningKeyStore({ db: h.db, tokenTtlSeconds: 120 }).ensureActiveKey(); // written before the key was set
    const signing = createSigningParts(settings, h.db);
    const first = await prepareToSign(settings, h.db, signing, h.deps.logger);
    expect(first).toMatchObject({ sealedPlainKeys: 1, admin: "created" });
    expect(first.kid).toBeString();
    const rows = await h.client.sql`select private_jwk_encryption from signing_keys`;
    expect(rows.map((r) => r.private_jwk_encryption)).toEqual(["A256GCM"]);
    // A restart: nothing left to seal, the admin is there, the same key signs.
    expect(await prepareToSign(settings, h.db, createSigningParts(settings, h.db), h.deps.logger)).toEqual({
      kid: first.kid,
      admin: "unchanged",
      sealedPlainKeys: 0,
    });
  });

  test("tokens carry the configured issuer, audience and lifetime; the lockout follows the configured policy", async () => {
    const signing = createSigningParts(settings, h.db);
    const sessions = createSessionParts(settings, h.db, signing);
    const [admin] = await h.client.sql`select id from users where email = ${settings.ADMIN_EMAIL}`;
    const issued = await sessions.issueToken({
      id: admin?.id,
      email: settings.ADMIN_EMAIL,
      name: "Host Admin",
      role: "admin",
      createdAt: new Date(),
    });
    const claims = JSON.parse(Buffer.from(issued.accessToken.split(".")[1] as string, "base64url").toString());
    expect(claims).toMatchObject({ iss: ISSUER, aud: AUDIENCE });
    expect(claims.exp - claims.iat).toBe(120);
    expect(await sessions.verifyToken(issued.accessToken)).toMatchObject({ userId: admin?.id });
    // Two failures allowed; the third locks the email for the configured first lock (30 s).
    const throttle = sessions.loginThrottle;
    for (let i = 0; i < 3; i++) expect(await throttle?.attempt("locked@example.com")).toEqual({ allowed: true });
    const refused = await throttle?.attempt("locked@example.com");
    expect(refused?.allowed).toBe(false);
    expect(refused?.allowed === false && refused.retryAfterSeconds).toBeWithin(25, 31);
  });
});
