import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTokenVerifier } from "@msa-board/service-kit/auth";
import { decodeProtectedHeader } from "jose";
import { createDatabaseClient, type DatabaseClient } from "../db/client.ts";
import { AUDIENCE, createHarness, createTestClock, type Harness, ISSUER, TTL_SECONDS } from "../test-support/harness.ts";
import { PrivateKeySealer } from "./private-key-sealing.ts";
import { SigningKeyStore } from "./signing-key-store.ts";
import { createTokenIssuer } from "./token-issuer.ts";

let h: Harness;
const clients: DatabaseClient[] = [];
const client = () => {
  const c = createDatabaseClient(h.database.url, { max: 2 });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  h = await createHarness({ prefix: "users_keys" });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await h?.close();
});

const activeCount = async () => (await h.client.sql`select count(*)::int as n from signing_keys where retired_at is null`)[0]?.n;
/** Tests below move clocks (and rotate "in the future"); each starts from one fresh key. */
async function freshKeys() {
  await h.client.sql`delete from signing_keys`;
  await new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS }).ensureActiveKey();
}
const user = { id: crypto.randomUUID(), email: "k@example.com", name: "Key User", role: "user" as const, createdAt: new Date() };

describe("SigningKeyStore", () => {
  test("replicas starting together create exactly one active key", async () => {
    await h.client.sql`delete from signing_keys`;
    const stores = Array.from({ length: 6 }, () => new SigningKeyStore({ db: client().db, tokenTtlSeconds: TTL_SECONDS }));
    const kids = await Promise.all(stores.map((s) => s.ensureActiveKey()));
    expect(new Set(kids).size).toBe(1);
    expect(await activeCount()).toBe(1);
    expect(await stores[0]?.ensureActiveKey()).toBe(kids[0] as string); // idempotent
  });

  test("the database refuses a second active key outright", async () => {
    const insert = async () =>
      await h.client.sql`insert into signing_keys (kid, public_jwk, private_jwk, private_jwk_encryption) values ('x', '{}', '{}', 'none')`;
    await expect(insert()).rejects.toThrow(/signing_keys_one_active/);
  });

  test("the JWKS holds public parts only: kty, crv, x, kid, alg, use", async () => {
    const jwks = await new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS }).jwks();
    expect(jwks.keys).toHaveLength(1);
    expect(Object.keys(jwks.keys[0] ?? {}).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x"]);
    expect(jwks.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
  });

  test("rotation: new tokens use the new key, old tokens still verify, the JWKS lists both", async () => {
    await freshKeys();
    const clock = createTestClock();
    const replicaA = new SigningKeyStore({ db: client().db, tokenTtlSeconds: TTL_SECONDS, clock, cacheMs: 50 });
    const replicaB = new SigningKeyStore({ db: client().db, tokenTtlSeconds: TTL_SECONDS, clock, cacheMs: 50 });
    const issue = (store: SigningKeyStore) =>
      createTokenIssuer({ keys: store, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TTL_SECONDS, clock })(user);
    const verifyOn = (store: SigningKeyStore) =>
      createTokenVerifier({ keys: store.keyResolver, issuer: ISSUER, audience: AUDIENCE, clock });

    const before = await issue(replicaA);
    const oldKid = decodeProtectedHeader(before.accessToken).kid;
    expect(await verifyOn(replicaB)(before.accessToken)).toMatchObject({ userId: user.id });

    const { kid: newKid, retiredKid } = await replicaA.rotate();
    expect(retiredKid).toBe(oldKid as string);
    expect(newKid).not.toBe(oldKid);
    expect(await activeCount()).toBe(1);

    // The rotating instance signs with the new key at once; another instance within its cache time.
    expect(decodeProtectedHeader((await issue(replicaA)).accessToken).kid).toBe(newKid);
    await Bun.sleep(60);
    const fromB = await issue(replicaB);
    expect(decodeProtectedHeader(fromB.accessToken).kid).toBe(newKid);

    // Both verify old and new tokens; B learns the new kid on first sight.
    for (const store of [replicaA, replicaB]) {
      expect(await verifyOn(store)(before.accessToken)).toMatchObject({ userId: user.id });
      expect(await verifyOn(store)(fromB.accessToken)).toMatchObject({ userId: user.id });
    }
    expect((await replicaB.jwks()).keys.map((k) => k.kid).sort()).toEqual([newKid, oldKid].sort());

    const [row] = await h.client.sql`select retired_at, expires_at from signing_keys where kid = ${oldKid as string}`;
    const publishedFor = (Date.parse(row?.expires_at) - Date.parse(row?.retired_at)) / 1000; // drizzle leaves raw timestamps as text
    expect(publishedFor).toBe(TTL_SECONDS + 60);

    // Once every old token has expired, the old key leaves the JWKS; the next rotation deletes it.
    clock.offsetMs = (TTL_SECONDS + 61) * 1000;
    const later = new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS, clock });
    expect((await later.jwks()).keys.map((k) => k.kid)).toEqual([newKid]);
    await later.rotate();
    const kids = (await h.client.sql`select kid from signing_keys`).map((r) => r.kid);
    expect(kids).not.toContain(oldKid);
    expect(kids).toContain(newKid);
  });

  test("rotation published ahead: the new key is in the JWKS at once but signs only from its activation", async () => {
    await freshKeys();
    const clock = createTestClock();
    const store = new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS, clock, cacheMs: 0 });
    const issue = () => createTokenIssuer({ keys: store, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TTL_SECONDS, clock })(user);
    const current = decodeProtectedHeader((await issue()).accessToken).kid;
    const { kid, retiredKid, activatesAt } = await store.rotate({ publishAheadSeconds: 300 });
    expect(retiredKid).toBe(current as string);
    expect(activatesAt.getTime() - Date.now()).toBeGreaterThan(295_000);
    expect((await store.jwks()).keys.map((k) => k.kid)).toContain(kid);
    expect(decodeProtectedHeader((await issue()).accessToken).kid).toBe(current);
    expect(await activeCount()).toBe(1); // the new key is the unretired one; a restart creates none
    expect(await store.ensureActiveKey()).toBe(kid);

    clock.offsetMs = 301_000;
    expect(decodeProtectedHeader((await issue()).accessToken).kid).toBe(kid);
    const jwks = (await store.jwks()).keys.map((k) => k.kid);
    expect(jwks).toContain(current as string); // until its last token expired
    clock.offsetMs = (300 + TTL_SECONDS + 61) * 1000;
    expect((await store.jwks()).keys.map((k) => k.kid)).toEqual([kid]);
  });

  test("a token whose key is no longer published is refused even if it claims to be valid", async () => {
    await freshKeys();
    const clock = createTestClock();
    const store = new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS, clock, cacheMs: 0 });
    const token = await createTokenIssuer({ keys: store, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 86_400, clock })(user);
    await store.rotate();
    clock.offsetMs = (TTL_SECONDS + 61) * 1000; // key expired from the JWKS; the (overlong) token has not
    const verify = createTokenVerifier({ keys: store.keyResolver, issuer: ISSUER, audience: AUDIENCE, clock });
    await expect(verify(token.accessToken)).rejects.toMatchObject({ status: 401 });
  });
});

describe("private keys at rest", () => {
  const keyA = crypto.getRandomValues(new Uint8Array(32));
  const keyB = crypto.getRandomValues(new Uint8Array(32));

  test("with SIGNING_KEYS_ENCRYPTION_KEY the private JWK is a JWE: no `d` in the database", async () => {
    const store = new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS, sealer: new PrivateKeySealer(keyA), cacheMs: 0 });
    const { kid } = await store.rotate();
    const [row] = await h.client.sql`select private_jwk, private_jwk_encryption from signing_keys where kid = ${kid}`;
    expect(row?.private_jwk_encryption).toBe("A256GCM");
    expect(row?.private_jwk.split(".")).toHaveLength(5);
    expect(row?.private_jwk).not.toContain('"d"');
    const token = await createTokenIssuer({ keys: store, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TTL_SECONDS })(user);
    expect(decodeProtectedHeader(token.accessToken).kid).toBe(kid);
  });

  test("the wrong encryption key or none at all fails loudly, naming the variable", async () => {
    const wrong = new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS, sealer: new PrivateKeySealer(keyB) });
    await expect(wrong.signingKey()).rejects.toThrow(/SIGNING_KEYS_ENCRYPTION_KEY is not the key/);
    const none = new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS });
    await expect(none.signingKey()).rejects.toThrow(/set SIGNING_KEYS_ENCRYPTION_KEY/);
  });

  test("a sealed key copied onto another row does not open", async () => {
    const sealer = new PrivateKeySealer(keyA);
    const sealed = await sealer.seal("kid-1", { kty: "OKP", crv: "Ed25519", x: "x", d: "secret" });
    await expect(sealer.open("kid-2", sealed)).rejects.toThrow(/could not be decrypted/);
    expect((await sealer.open("kid-1", sealed)).d).toBe("secret");
  });

  test("keys stored in plain JSON keep working once encryption is turned on", async () => {
    await freshKeys();
    const plain = new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS });
    const { kid } = await plain.rotate();
    const sealedStore = new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS, sealer: new PrivateKeySealer(keyA) });
    expect((await sealedStore.signingKey()).kid).toBe(kid);
  });

  test("sealPlainKeys seals every key stored in plain once the encryption key is set; they still sign and verify", async () => {
    await h.client.sql`delete from signing_keys`;
    const plain = new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS, cacheMs: 0 });
    await plain.ensureActiveKey();
    const before = await createTokenIssuer({ keys: plain, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TTL_SECONDS })(user);
    await plain.rotate(); // two plain rows now: the retired one and the active one
    const sealing = new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS, sealer: new PrivateKeySealer(keyA), cacheMs: 0 });
    expect(await sealing.sealPlainKeys()).toBe(2);
    expect(await sealing.sealPlainKeys()).toBe(0); // idempotent
    const rows = await h.client.sql`select private_jwk, private_jwk_encryption from signing_keys`;
    expect(rows.map((r) => r.private_jwk_encryption)).toEqual(["A256GCM", "A256GCM"]);
    for (const row of rows) expect(row.private_jwk).not.toContain('"d"');
    const after = await createTokenIssuer({ keys: sealing, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TTL_SECONDS })(user);
    const verify = createTokenVerifier({ keys: sealing.keyResolver, issuer: ISSUER, audience: AUDIENCE });
    expect(await verify(before.accessToken)).toMatchObject({ userId: user.id });
    expect(await verify(after.accessToken)).toMatchObject({ userId: user.id });
    // Without an encryption key nothing is sealed (and nothing breaks).
    expect(await new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS }).sealPlainKeys()).toBe(0);
  });

  test("once keys are sealed, a store without the encryption key refuses to write a plain one", async () => {
    const forgetful = new SigningKeyStore({ db: h.db, tokenTtlSeconds: TTL_SECONDS });
    await expect(forgetful.rotate()).rejects.toThrow(/set SIGNING_KEYS_ENCRYPTION_KEY; refusing to store a new key in plain/);
    const plainRows = await h.client.sql`select count(*)::int as n from signing_keys where private_jwk_encryption = 'none'`;
    expect(plainRows[0]?.n).toBe(0);
    await freshKeys(); // back to one plain key for the tests below
  });

  test("a sealer refuses a key that is not 32 bytes", () => {
    expect(() => new PrivateKeySealer(new Uint8Array(16))).toThrow(/32 bytes/);
  });
});

describe("while the database is away", () => {
  test("the JWKS and token verification keep using the keys last read", async () => {
    const db = createDatabaseClient(h.database.url, { max: 1 });
    const store = new SigningKeyStore({ db: db.db, tokenTtlSeconds: TTL_SECONDS, cacheMs: 0 });
    const token = await createTokenIssuer({ keys: store, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TTL_SECONDS })(user);
    const jwks = await store.jwks();
    await db.close(); // every later query fails
    expect(await store.jwks()).toEqual(jwks);
    const verify = createTokenVerifier({ keys: store.keyResolver, issuer: ISSUER, audience: AUDIENCE });
    expect(await verify(token.accessToken)).toMatchObject({ userId: user.id });
  });
});
