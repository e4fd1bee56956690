import { and, desc, eq, gt, isNull, lt, lte, or, sql } from "drizzle-orm";
import {
  calculateJwkThumbprint,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from "jose";
import type { Database } from "../db/client.ts";
import { signingKeys } from "../db/schema.ts";
import { PrivateKeySealer } from "./private-key-sealing.ts";

export const SIGNING_ALGORITHM = "EdDSA";

export type SigningKeyStoreOptions = {
  db: Database;
  /** Access-token lifetime: a retired key stays published this long (plus the grace). */
  tokenTtlSeconds: number;
  sealer?: PrivateKeySealer;
  clock?: () => Date;
  /** How long an instance keeps using what it read; another instance's rotation is seen within this. */
  cacheMs?: number;
  /** Extra time a retired key stays published: covers `cacheMs` and clock skew. */
  graceSeconds?: number;
};

export type RotationResult = { kid: string; retiredKid: string | null; activatesAt: Date };

type PublicKeyEntry = { jwk: JWK; key: CryptoKey | Uint8Array; expiresAt: Date | null };
type Cached<T> = { at: number; value: T };

const ROTATION_LOCK_KEY = 0x6b657973; // "keys"
const MIN_REFRESH_MS = 1_000;
const CLOCK_SKEW_MS = 60_000;

/**
 * The Ed25519 keys in `signing_keys`: the one active key signs, every key not yet expired verifies
 * and is published in the JWKS. Reads are cached briefly; an unknown `kid` refreshes at once, so a
 * key rotated in by another instance verifies here immediately.
 */
export class SigningKeyStore {
  private readonly db: Database;
  private readonly sealer: PrivateKeySealer;
  private readonly clock: () => Date;
  private readonly cacheMs: number;
  private readonly retireAfterSeconds: number;
  private active: Cached<{ kid: string; key: CryptoKey | Uint8Array }> | undefined;
  private published: Cached<Map<string, PublicKeyEntry>> | undefined;
  private refreshing: Promise<Map<string, PublicKeyEntry>> | undefined;

  constructor(options: SigningKeyStoreOptions) {
    this.db = options.db;
    this.sealer = options.sealer ?? new PrivateKeySealer(undefined);
    this.clock = options.clock ?? (() => new Date());
    this.cacheMs = options.cacheMs ?? 10_000;
    this.retireAfterSeconds = options.tokenTtlSeconds + (options.graceSeconds ?? 60);
  }

  /**
   * Makes sure a current key exists, creating it on first start. Safe when instances start together:
   * the unique partial index admits one unretired row, and the loser's insert does nothing.
   */
  async ensureActiveKey(): Promise<string> {
    const existing = await this.unretiredRow();
    if (existing) return existing.kid;
    // Backdated by the skew allowance, so an instance whose clock is a little behind can sign with it too.
    const activatesAt = new Date(this.clock().getTime() - CLOCK_SKEW_MS);
    await this.db
      .insert(signingKeys)
      .values(await this.generate(activatesAt))
      .onConflictDoNothing();
    const row = await this.unretiredRow();
    if (!row) throw new Error("no signing key after creating one");
    return row.kid;
  }

  /**
   * Adds a new key and retires the current one: the old key keeps verifying until every token it
   * signed has expired. With `publishAheadSeconds`, the new key is published at once but signs only
   * from then on, so verifiers that cache the JWKS (the gateway) know it before they meet it.
   */
  async rotate({ publishAheadSeconds = 0 }: { publishAheadSeconds?: number } = {}): Promise<RotationResult> {
    const now = this.clock();
    const switchAt = new Date(now.getTime() + publishAheadSeconds * 1000);
    const fresh = await this.generate(switchAt);
    const retiredKid = await this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${ROTATION_LOCK_KEY})`);
      const retired = await tx
        .update(signingKeys)
        .set({ retiredAt: switchAt, expiresAt: new Date(switchAt.getTime() + this.retireAfterSeconds * 1000) })
        .where(isNull(signingKeys.retiredAt))
        .returning({ kid: signingKeys.kid });
      await tx.insert(signingKeys).values(fresh);
      await tx.delete(signingKeys).where(lt(signingKeys.expiresAt, now));
      return retired[0]?.kid ?? null;
    });
    this.active = undefined;
    this.published = undefined;
    return { kid: fresh.kid, retiredKid, activatesAt: switchAt };
  }

  /** The key new tokens are signed with. */
  async signingKey(): Promise<{ kid: string; key: CryptoKey | Uint8Array }> {
    const now = Date.now();
    if (this.active && now - this.active.at < this.cacheMs) return this.active.value;
    const row = await this.signingRow();
    if (!row) throw new Error("no active signing key: run ensureActiveKey() at start-up");
    if (this.active?.value.kid === row.kid) {
      this.active = { at: now, value: this.active.value };
      return this.active.value;
    }
    const jwk = await this.sealer.open(row.kid, row);
    const value = { kid: row.kid, key: await importJWK(jwk, SIGNING_ALGORITHM) };
    this.active = { at: now, value };
    return value;
  }

  /** The public JWKS: every key that may still have live tokens. Never a private part. */
  async jwks(): Promise<JSONWebKeySet> {
    const keys = await this.publicKeys();
    return { keys: [...keys.values()].filter((entry) => this.live(entry)).map((entry) => entry.jwk) };
  }

  /** For `jwtVerify`: the published key named by the token's `kid`, straight from the database. */
  readonly keyResolver: JWTVerifyGetKey = async (header) => {
    const kid = header.kid;
    if (typeof kid !== "string" || header.alg !== SIGNING_ALGORITHM) throw new errors.JWKSNoMatchingKey();
    let entry = (await this.publicKeys()).get(kid);
    if (!entry && this.published && Date.now() - this.published.at >= MIN_REFRESH_MS) {
      entry = (await this.publicKeys(true)).get(kid);
    }
    if (!entry || !this.live(entry)) throw new errors.JWKSNoMatchingKey();
    return entry.key;
  };

  private live(entry: PublicKeyEntry): boolean {
    return entry.expiresAt === null || entry.expiresAt.getTime() > this.clock().getTime();
  }

  private async publicKeys(force = false): Promise<Map<string, PublicKeyEntry>> {
    if (!force && this.published && Date.now() - this.published.at < this.cacheMs) return this.published.value;
    this.refreshing ??= this.loadPublicKeys()
      .catch((err) => {
        // While the database is away, keep answering with the keys last read: they are public, and
        // verifiers elsewhere (the gateway, postings, notices) must not lose them with us.
        if (this.published) return this.published.value;
        throw err;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async loadPublicKeys(): Promise<Map<string, PublicKeyEntry>> {
    const rows = await this.db
      .select({ kid: signingKeys.kid, publicJwk: signingKeys.publicJwk, expiresAt: signingKeys.expiresAt })
      .from(signingKeys)
      .where(or(isNull(signingKeys.expiresAt), gt(signingKeys.expiresAt, this.clock())))
      .orderBy(signingKeys.createdAt);
    const entries = new Map<string, PublicKeyEntry>();
    for (const row of rows) {
      const jwk = publicPart(row.kid, row.publicJwk);
      entries.set(row.kid, { jwk, key: await importJWK(jwk, SIGNING_ALGORITHM), expiresAt: row.expiresAt });
    }
    this.published = { at: Date.now(), value: entries };
    return entries;
  }

  /** The key that signs now: activated, not yet retired, the latest such. */
  private async signingRow() {
    const now = this.clock();
    const rows = await this.db
      .select()
      .from(signingKeys)
      .where(and(lte(signingKeys.activatesAt, now), or(isNull(signingKeys.retiredAt), gt(signingKeys.retiredAt, now))))
      .orderBy(desc(signingKeys.activatesAt))
      .limit(1);
    return rows[0];
  }

  private async unretiredRow() {
    const rows = await this.db.select({ kid: signingKeys.kid }).from(signingKeys).where(isNull(signingKeys.retiredAt));
    return rows[0];
  }

  /**
   * With an encryption key configured, seals every key still stored in plain JSON (rows written
   * before encryption was turned on), so no private key stays readable to whoever reads the table.
   * Returns how many were sealed. Safe to run from several instances at once.
   */
  async sealPlainKeys(): Promise<number> {
    if (!this.sealer.encrypts) return 0;
    const plain = await this.db.select().from(signingKeys).where(eq(signingKeys.privateJwkEncryption, "none"));
    let sealed = 0;
    for (const row of plain) {
      const next = await this.sealer.seal(row.kid, await this.sealer.open(row.kid, row));
      const updated = await this.db
        .update(signingKeys)
        .set(next)
        .where(and(eq(signingKeys.kid, row.kid), eq(signingKeys.privateJwkEncryption, "none")))
        .returning({ kid: signingKeys.kid });
      sealed += updated.length;
    }
    return sealed;
  }

  private async generate(activatesAt: Date) {
    if (!this.sealer.encrypts) await this.refusePlainBesideSealed();
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: "Ed25519", extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const sealed = await this.sealer.seal(kid, await exportJWK(privateKey));
    return { kid, algorithm: SIGNING_ALGORITHM, publicJwk: publicPart(kid, publicJwk), activatesAt, ...sealed };
  }

  /** Once keys are sealed, a key written in plain would undo that: the encryption key was forgotten. */
  private async refusePlainBesideSealed(): Promise<void> {
    const [sealed] = await this.db
      .select({ kid: signingKeys.kid })
      .from(signingKeys)
      .where(eq(signingKeys.privateJwkEncryption, "A256GCM"))
      .limit(1);
    if (sealed) {
      throw new Error("signing keys are encrypted at rest: set SIGNING_KEYS_ENCRYPTION_KEY; refusing to store a new key in plain");
    }
  }
}

/** Only the public members of an OKP key, whatever the stored object holds. */
function publicPart(kid: string, jwk: Record<string, unknown>): JWK {
  return { kty: "OKP", crv: "Ed25519", x: String(jwk.x), kid, alg: SIGNING_ALGORITHM, use: "sig" };
}
