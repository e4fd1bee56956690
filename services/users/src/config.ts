import { envBoolean, envPort, envUrl, logLevelSchema, parseEnv } from "@msa-board/service-kit/env";
import { z } from "zod";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const seconds = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The dev stack's documented admin password (README, compose, the dev overlay): public, so never in production. */
export const DEV_ADMIN_PASSWORD = "admin-password-change-me";

/**
 * Every setting the users service reads (see README for each). A plain object, so hosts (the
 * monolith) can pick from it; `loadConfig` adds the cross-field and production checks.
 */
export const configSchema = z.object({
  NODE_ENV: z.string().optional(),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: envPort(3001),
  DATABASE_URL: envUrl("postgres://users:users@127.0.0.1:55432/users"),
  EVENTS_REDIS_URL: envUrl("redis://127.0.0.1:6381"),
  JWT_ISSUER: z.string().min(1).default("msa-board"),
  JWT_AUDIENCE: z.string().min(1).default("msa-board"),
  /** Short on purpose: an access token cannot be revoked, only refused once it expires (contract: ≤ 5 min). */
  ACCESS_TOKEN_TTL_SECONDS: seconds(60, 300, 300),
  /** A session (refresh-token family) ends this long after its login, however often it is refreshed. */
  REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS: seconds(300, 90 * 86_400, 30 * 86_400),
  /** A refresh token not used for this long expires (the session ends when the client stays away). */
  REFRESH_TOKEN_IDLE_TTL_SECONDS: seconds(300, 90 * 86_400, 7 * 86_400),
  /** Failed logins for one email allowed before each further failure locks that email for a while. */
  LOGIN_LOCKOUT_AFTER_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  /** The first lock; each further failure doubles it, up to LOGIN_LOCKOUT_MAX_SECONDS. */
  LOGIN_LOCKOUT_BASE_SECONDS: seconds(1, 3_600, 2),
  LOGIN_LOCKOUT_MAX_SECONDS: seconds(1, 86_400, 900),
  /** Failures are forgotten after this long without another one. */
  LOGIN_FAILURES_RESET_SECONDS: seconds(60, 7 * 86_400, 3_600),
  ADMIN_EMAIL: z.string({ error: "required: the admin account's email" }).trim().toLowerCase().max(254).check(z.email()),
  ADMIN_PASSWORD: z.string({ error: "required: the admin account's initial password" }).min(8).max(128),
  ADMIN_NAME: z.string().trim().min(1).max(100).default("Administrator"),
  /** Base64 (or base64url) of 32 random bytes; when set, private signing keys are encrypted at rest. */
  SIGNING_KEYS_ENCRYPTION_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === "" || decodedLength(v) === 32, "must be 32 bytes, base64-encoded"),
  PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().min(8_192).max(1_048_576).default(19_456),
  PASSWORD_HASH_TIME_COST: z.coerce.number().int().min(1).max(10).default(2),
  OTEL_EXPORTER_OTLP_ENDPOINT: envUrl("http://127.0.0.1:4318"),
  OTEL_SDK_DISABLED: envBoolean(false),
  LOG_LEVEL: logLevelSchema,
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  OUTBOX_STREAM: z.string().min(1).default("events"),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(500),
  OUTBOX_POLL_INTERVAL_MS: positiveInt(1_000),
  OUTBOX_BACKOFF_INITIAL_MS: positiveInt(100),
  OUTBOX_BACKOFF_MAX_MS: positiveInt(5_000),
  /** A connection to the events Redis silent this long (PINGs unanswered, an XADD unanswered) is dropped and reopened. */
  EVENTS_REDIS_SILENCE_TIMEOUT_MS: positiveInt(5_000),
  /** A background loop whose step has not ended this long past its due time makes `/livez` 503. */
  LIVENESS_STALL_MS: positiveInt(60_000),
  OUTBOX_RETENTION_HOURS: z.coerce.number().positive().default(24),
  OUTBOX_PRUNE_INTERVAL_MS: positiveInt(60_000),
});

type Settings = z.output<typeof configSchema>;

/** What the checks read: a host of users (the monolith) picks at least these from configSchema. */
export type CheckedUsersSettings = Pick<
  Settings,
  | "NODE_ENV"
  | "ADMIN_PASSWORD"
  | "SIGNING_KEYS_ENCRYPTION_KEY"
  | "REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS"
  | "REFRESH_TOKEN_IDLE_TTL_SECONDS"
  | "LOGIN_LOCKOUT_BASE_SECONDS"
  | "LOGIN_LOCKOUT_MAX_SECONDS"
  | "LOGIN_FAILURES_RESET_SECONDS"
>;

/** Cross-field rules, and in production no published development secret: for any host of users. */
export function checkUsersConfig(env: CheckedUsersSettings, ctx: z.RefinementCtx): void {
  if (env.REFRESH_TOKEN_IDLE_TTL_SECONDS > env.REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS) {
    ctx.addIssue({
      code: "custom",
      path: ["REFRESH_TOKEN_IDLE_TTL_SECONDS"],
      message: "must not exceed REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS",
    });
  }
  if (env.LOGIN_LOCKOUT_BASE_SECONDS > env.LOGIN_LOCKOUT_MAX_SECONDS) {
    ctx.addIssue({ code: "custom", path: ["LOGIN_LOCKOUT_BASE_SECONDS"], message: "must not exceed LOGIN_LOCKOUT_MAX_SECONDS" });
  }
  if (env.LOGIN_FAILURES_RESET_SECONDS < env.LOGIN_LOCKOUT_MAX_SECONDS) {
    ctx.addIssue({ code: "custom", path: ["LOGIN_FAILURES_RESET_SECONDS"], message: "must be at least LOGIN_LOCKOUT_MAX_SECONDS" });
  }
  if (env.NODE_ENV !== "production") return;
  // In production the documented development values protect nothing: refuse them instead of starting.
  if (env.ADMIN_PASSWORD === DEV_ADMIN_PASSWORD) {
    ctx.addIssue({
      code: "custom",
      path: ["ADMIN_PASSWORD"],
      message: "is the documented development default; set a secret one in production",
    });
  }
  if (!env.SIGNING_KEYS_ENCRYPTION_KEY) {
    ctx.addIssue({
      code: "custom",
      path: ["SIGNING_KEYS_ENCRYPTION_KEY"],
      message: "required in production (private signing keys are encrypted at rest with it; `openssl rand -base64 32`)",
    });
  }
}

const checkedConfigSchema = configSchema.superRefine(checkUsersConfig);

export type Config = Settings;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return parseEnv(checkedConfigSchema, env);
}

function decodedLength(value: string): number {
  try {
    return Buffer.from(value, "base64").length;
  } catch {
    return -1;
  }
}
