import { checkPostingsConfig, postingsConfigSchema } from "@msa-board/postings/module";
import { envBoolean, envPort, envUrl, logLevelSchema, parseEnv } from "@msa-board/service-kit/env";
import { faultControlToken, faultFlag, requireTokenWhenEnabled } from "@msa-board/service-kit/faults";
import { checkUsersConfig, usersConfigSchema } from "@msa-board/users/module";
import { z } from "zod";

export const MODULE_NAMES = ["users", "postings", "notices"] as const;
export type ModuleName = (typeof MODULE_NAMES)[number];

const moduleList = z
  .string()
  .default(MODULE_NAMES.join(","))
  .transform((raw) => [...new Set(raw.split(",").map((m) => m.trim()))].filter(Boolean))
  .pipe(z.array(z.enum(MODULE_NAMES)).min(1, "name at least one module"))
  .refine((modules) => !modules.includes("users") || modules.includes("postings"), {
    message: "users needs postings in the same process: this host delivers users' events in-process only (no outbox relay)",
  });

/**
 * Every setting the monolith reads, validated once at start-up. A module's own knobs keep the
 * names, defaults and rules they have in that service (taken from its schema, not copied), and
 * the services' own cross-field and production checks run here too (NODE_ENV=production refuses
 * the published development secrets, as each service does).
 */
export const configSchema = z
  .object({
    /** `production` turns on the modules' production checks. */
    NODE_ENV: z.string().optional(),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: envPort(3000),
    /** Which modules this process hosts, comma-separated. */
    MODULES: moduleList,
    /** One database for every module; each module keeps its tables in its own schema. */
    DATABASE_URL: envUrl("postgres://monolith:monolith@127.0.0.1:55432/monolith"),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    /** notices' store (its Redis, as in the microservices shape). */
    REDIS_URL: envUrl("redis://127.0.0.1:6380"),
    /** Only read when users is not hosted here: where the other modules fetch the keys tokens are checked with. */
    JWKS_URL: envUrl("http://127.0.0.1:3001/.well-known/jwks.json"),
    JWT_ISSUER: z.string().min(1).default("msa-board"),
    JWT_AUDIENCE: z.string().min(1).default("msa-board"),
    OTEL_EXPORTER_OTLP_ENDPOINT: envUrl("http://127.0.0.1:4318"),
    OTEL_SDK_DISABLED: envBoolean(false),
    LOG_LEVEL: logLevelSchema,
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    ...usersConfigSchema.pick({
      ADMIN_EMAIL: true,
      ADMIN_PASSWORD: true,
      ADMIN_NAME: true,
      ACCESS_TOKEN_TTL_SECONDS: true,
      SIGNING_KEYS_ENCRYPTION_KEY: true,
      PASSWORD_HASH_MEMORY_KIB: true,
      PASSWORD_HASH_TIME_COST: true,
      REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS: true,
      REFRESH_TOKEN_IDLE_TTL_SECONDS: true,
      LOGIN_LOCKOUT_AFTER_FAILURES: true,
      LOGIN_LOCKOUT_BASE_SECONDS: true,
      LOGIN_LOCKOUT_MAX_SECONDS: true,
      LOGIN_FAILURES_RESET_SECONDS: true,
    }).shape,
    CURSOR_SECRET: postingsConfigSchema.shape.CURSOR_SECRET,
    /** `enabled` (exactly) adds fault injection to the notices module (`PUT /faults/notices`); off otherwise. */
    NOTICES_FAULTS: faultFlag(),
    FAULTS_CONTROL_TOKEN: faultControlToken(),
  })
  .superRefine((env, ctx) => {
    checkUsersConfig(env, ctx);
    checkPostingsConfig(env, ctx);
    requireTokenWhenEnabled("NOTICES_FAULTS")(env, ctx);
  });

export type Config = z.output<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return parseEnv(configSchema, env);
}
