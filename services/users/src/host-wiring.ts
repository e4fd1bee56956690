import { createTokenVerifier } from "@msa-board/service-kit/auth";
import type { Logger } from "@msa-board/service-kit/logger";
import type { AppDeps } from "./app-types.ts";
import type { Config } from "./config.ts";
import type { Database } from "./db/client.ts";
import { PrivateKeySealer } from "./keys/private-key-sealing.ts";
import { SigningKeyStore } from "./keys/signing-key-store.ts";
import { createTokenIssuer } from "./keys/token-issuer.ts";
import { LoginThrottle } from "./sessions/login-throttle.ts";
import { RefreshTokens } from "./sessions/refresh-tokens.ts";
import { type AdminBootstrapResult, ensureAdminAccount } from "./users/admin-bootstrap.ts";
import { createPasswordHasher, type PasswordHasher } from "./users/passwords.ts";

/**
 * The parts of users that every host (src/main.ts, the monolith) builds the same way from the same
 * settings: one place, so the two shapes cannot drift apart in how they sign, seal and throttle.
 */
export type HostSettings = Pick<
  Config,
  | "PASSWORD_HASH_MEMORY_KIB"
  | "PASSWORD_HASH_TIME_COST"
  | "ACCESS_TOKEN_TTL_SECONDS"
  | "SIGNING_KEYS_ENCRYPTION_KEY"
  | "JWT_ISSUER"
  | "JWT_AUDIENCE"
  | "REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS"
  | "REFRESH_TOKEN_IDLE_TTL_SECONDS"
  | "LOGIN_LOCKOUT_AFTER_FAILURES"
  | "LOGIN_LOCKOUT_BASE_SECONDS"
  | "LOGIN_LOCKOUT_MAX_SECONDS"
  | "LOGIN_FAILURES_RESET_SECONDS"
  | "ADMIN_EMAIL"
  | "ADMIN_PASSWORD"
  | "ADMIN_NAME"
>;

export type SigningParts = { clock: () => Date; passwords: PasswordHasher; keys: SigningKeyStore };

export function createSigningParts(config: HostSettings, db: Database): SigningParts {
  const clock = () => new Date();
  const passwords = createPasswordHasher({ memoryKib: config.PASSWORD_HASH_MEMORY_KIB, timeCost: config.PASSWORD_HASH_TIME_COST });
  const keys = new SigningKeyStore({
    db,
    tokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    sealer: PrivateKeySealer.fromBase64(config.SIGNING_KEYS_ENCRYPTION_KEY || undefined),
    clock,
  });
  return { clock, passwords, keys };
}

export type ReadyToSign = { kid: string; admin: AdminBootstrapResult; sealedPlainKeys: number };

/**
 * Everything that must work before the first login, done at start-up so a broken key or store fails
 * the start, not a request: an active key; keys stored in plain before SIGNING_KEYS_ENCRYPTION_KEY
 * was set sealed now (not at the next rotation); the key opened; the admin account; the hasher warm.
 */
export async function prepareToSign(config: HostSettings, db: Database, parts: SigningParts, logger: Logger): Promise<ReadyToSign> {
  await parts.keys.ensureActiveKey();
  const sealedPlainKeys = await parts.keys.sealPlainKeys();
  const { kid } = await parts.keys.signingKey();
  const admin = await ensureAdminAccount(
    { db, passwords: parts.passwords, logger },
    { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD, name: config.ADMIN_NAME },
  );
  await parts.passwords.verifyDummy("warm-up");
  return { kid, admin, sealedPlainKeys };
}

/** Tokens, sessions and the login throttle, with the configured lifetimes and lockout policy. */
export function createSessionParts(
  config: HostSettings,
  db: Database,
  { clock, keys }: SigningParts,
): Pick<AppDeps, "issueToken" | "verifyToken" | "refreshTokens" | "loginThrottle"> {
  const token = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, clock };
  return {
    issueToken: createTokenIssuer({ keys, ...token, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS }),
    verifyToken: createTokenVerifier({ keys: keys.keyResolver, ...token }),
    refreshTokens: new RefreshTokens({
      db,
      policy: { absoluteTtlSeconds: config.REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS, idleTtlSeconds: config.REFRESH_TOKEN_IDLE_TTL_SECONDS },
      clock,
    }),
    loginThrottle: new LoginThrottle({
      db,
      policy: {
        lockAfterFailures: config.LOGIN_LOCKOUT_AFTER_FAILURES,
        baseLockSeconds: config.LOGIN_LOCKOUT_BASE_SECONDS,
        maxLockSeconds: config.LOGIN_LOCKOUT_MAX_SECONDS,
        resetAfterSeconds: config.LOGIN_FAILURES_RESET_SECONDS,
      },
      clock,
    }),
  };
}
