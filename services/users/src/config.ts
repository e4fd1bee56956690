import { envBoolean, envPort, envUrl, logLevelSchema, parseEnv } from "@msa-board/service-kit/env";
import { z } from "zod";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every setting the users service reads, validated once at start-up (see README for each). */
export const configSchema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: envPort(3001),
  DATABASE_URL: envUrl("postgres://users:users@127.0.0.1:55432/users"),
  EVENTS_REDIS_URL: envUrl("redis://127.0.0.1:6381"),
  JWT_ISSUER: z.string().min(1).default("msa-board"),
  JWT_AUDIENCE: z.string().min(1).default("msa-board"),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
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
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(100),
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

export type Config = z.output<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return parseEnv(configSchema, env);
}

function decodedLength(value: string): number {
  try {
    return Buffer.from(value, "base64").length;
  } catch {
    return -1;
  }
}
