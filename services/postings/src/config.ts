import { hostname } from "node:os";
import { envBoolean, envPort, envUrl, logLevelSchema, parseEnv } from "@msa-board/service-kit/env";
import { z } from "zod";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Used when CURSOR_SECRET is unset outside production; published here, so it protects nothing. */
export const DEV_CURSOR_SECRET = "msa-board-dev-cursor-secret-change-me";

/** Every setting the postings service reads, validated once at start-up (see README for each). */
export const configSchema = z
  .object({
    NODE_ENV: z.string().optional(),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: envPort(3002),
    DATABASE_URL: envUrl("postgres://postings:postings@127.0.0.1:55432/postings"),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    EVENTS_REDIS_URL: envUrl("redis://127.0.0.1:6381"),
    JWKS_URL: envUrl("http://127.0.0.1:3001/.well-known/jwks.json"),
    JWT_ISSUER: z.string().min(1).default("msa-board"),
    JWT_AUDIENCE: z.string().min(1).default("msa-board"),
    /** HMAC key for page cursors; at least 16 characters (32 random bytes, base64, is a good choice). */
    CURSOR_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: envUrl("http://127.0.0.1:4318"),
    OTEL_SDK_DISABLED: envBoolean(false),
    LOG_LEVEL: logLevelSchema,
    SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
    EVENTS_STREAM: z.string().min(1).default("events"),
    EVENTS_GROUP: z.string().min(1).default("postings"),
    EVENTS_DEAD_LETTER_STREAM: z.string().min(1).default("events.dead"),
    CONSUMER_NAME: z.string().min(1).max(200).default(`${hostname()}-${process.pid}`),
    CONSUMER_BLOCK_MS: z.coerce.number().int().min(10).max(60_000).default(2_000),
    CONSUMER_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(256),
    CONSUMER_EVENTS_PER_TRANSACTION: z.coerce.number().int().min(1).max(1_000).default(64),
    CONSUMER_CLAIM_INTERVAL_MS: positiveInt(5_000),
    CONSUMER_CLAIM_MIN_IDLE_MS: positiveInt(10_000),
    CONSUMER_MAX_DELIVERIES: z.coerce.number().int().min(1).max(100).default(5),
    CONSUMER_BACKOFF_INITIAL_MS: positiveInt(100),
    CONSUMER_BACKOFF_MAX_MS: positiveInt(5_000),
    PROCESSED_EVENTS_RETENTION_HOURS: z.coerce.number().positive().default(168),
    STREAM_TRIM_INTERVAL_MS: positiveInt(60_000),
    /** A background loop whose step has not ended this long past its due time makes `/livez` 503. */
    LIVENESS_STALL_MS: positiveInt(60_000),
    DEAD_LETTER_MAX_LEN: z.coerce.number().int().min(0).default(10_000),
  })
  .superRefine((env, ctx) => checkPostingsConfig(env, ctx));

/** In production no published development secret: for any host of postings (the monolith too). */
export function checkPostingsConfig(
  env: { NODE_ENV?: string | undefined; CURSOR_SECRET?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (env.NODE_ENV !== "production") return;
  if (env.CURSOR_SECRET === undefined) {
    ctx.addIssue({ code: "custom", path: ["CURSOR_SECRET"], message: "required in production (the dev default is public)" });
  } else if (env.CURSOR_SECRET === DEV_CURSOR_SECRET) {
    // Setting the published value explicitly is no better than leaving it unset.
    ctx.addIssue({
      code: "custom",
      path: ["CURSOR_SECRET"],
      message: "is the documented development default; set a secret one in production",
    });
  }
}

export type Config = z.output<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return parseEnv(configSchema, env);
}
