import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Accounts. `email` is stored normalised (trimmed, lower-case) and unique case-insensitively. */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["user", "admin"] })
      .notNull()
      .default("user"),
    passwordHash: text("password_hash").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
    check("users_role_check", sql`${t.role} in ('user', 'admin')`),
    check("users_email_length_check", sql`char_length(${t.email}) between 3 and 254`),
    check("users_name_length_check", sql`char_length(${t.name}) between 1 and 100`),
  ],
);

/**
 * Ed25519 keys that sign access tokens. At most one key is not retired (`retired_at is null`,
 * enforced by a unique partial index). The signing key is the latest one whose `activates_at` has
 * come and whose `retired_at` has not; a retired key is still published until `expires_at`, when
 * every token it signed has expired.
 */
export const signingKeys = pgTable(
  "signing_keys",
  {
    kid: text("kid").primaryKey(),
    algorithm: text("algorithm").notNull().default("EdDSA"),
    publicJwk: jsonb("public_jwk").notNull().$type<Record<string, unknown>>(),
    /** The private JWK: plain JSON, or a compact JWE (dir + A256GCM) when an encryption key is configured. */
    privateJwk: text("private_jwk").notNull(),
    privateJwkEncryption: text("private_jwk_encryption", { enum: ["none", "A256GCM"] }).notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    /** Signs from this time on; later than `created_at` when a rotation publishes the key ahead. */
    activatesAt: timestamptz("activates_at").notNull().defaultNow(),
    retiredAt: timestamptz("retired_at"),
    expiresAt: timestamptz("expires_at"),
  },
  (t) => [
    uniqueIndex("signing_keys_one_active").on(sql`(true)`).where(sql`${t.retiredAt} is null`),
    check("signing_keys_encryption_check", sql`${t.privateJwkEncryption} in ('none', 'A256GCM')`),
  ],
);

/**
 * Transactional outbox: written in the same transaction as the change it announces, published to the
 * events stream by the relay. `id` is the event id consumers dedupe by.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: uuid("id").primaryKey(),
    type: text("type").notNull(),
    occurredAt: timestamptz("occurred_at").notNull().default(sql`clock_timestamp()`),
    traceparent: text("traceparent"),
    data: jsonb("data").notNull().$type<Record<string, unknown>>(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    publishedAt: timestamptz("published_at"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [
    index("outbox_unpublished_idx").on(t.occurredAt, t.id).where(sql`${t.publishedAt} is null`),
    index("outbox_published_at_idx").on(t.publishedAt).where(sql`${t.publishedAt} is not null`),
  ],
);

/**
 * One login session: the chain of refresh tokens that descend from one `POST /login`. Revoking the
 * family (logout, reuse of a rotated token, password change) ends every token in it at once.
 * `expires_at` is the absolute end of the session, however often it is refreshed.
 */
export const refreshTokenFamilies = pgTable(
  "refresh_token_families",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    revokedAt: timestamptz("revoked_at"),
    /** Why it ended: `logout`, `reuse`, `password-change`. */
    revokedReason: text("revoked_reason"),
  },
  (t) => [index("refresh_token_families_user_idx").on(t.userId)],
);

/**
 * Refresh tokens, stored only as SHA-256 of the token (they are 256-bit random strings, so a fast
 * hash is enough: nothing to brute-force). A token is used once: `used_at` is set when it is
 * exchanged, and presenting it again is reuse.
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    familyId: uuid("family_id")
      .notNull()
      .references(() => refreshTokenFamilies.id, { onDelete: "cascade" }),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    usedAt: timestamptz("used_at"),
  },
  (t) => [index("refresh_tokens_family_idx").on(t.familyId)],
);

/**
 * Failed-login bookkeeping per email (keyed by SHA-256 of the normalised email, so addresses that
 * were merely tried are not stored in clear). Unknown emails are tracked exactly like real ones.
 */
export const loginThrottle = pgTable(
  "login_throttle",
  {
    emailKey: text("email_key").primaryKey(),
    failures: integer("failures").notNull(),
    lastFailureAt: timestamptz("last_failure_at").notNull(),
    lockedUntil: timestamptz("locked_until"),
  },
  (t) => [index("login_throttle_last_failure_idx").on(t.lastFailureAt)],
);

export type UserRow = typeof users.$inferSelect;
export type SigningKeyRow = typeof signingKeys.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
