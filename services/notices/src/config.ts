import { z } from "zod";
import { logLevels } from "./logger.ts";

const booleanFlag = (fallback: boolean) =>
  z.enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true" || v === "1" || v === "yes"));

const url = (fallback: string, schemes: "redis" | "http") =>
  z.url({ protocol: schemes === "redis" ? /^rediss?$/ : /^https?$/, error: `must be a ${schemes}:// URL` })
    .default(fallback);

/** Every variable the service reads (ARCHITECTURE.md lists them), with its default. */
export const configSchema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number({ error: "must be a port number" }).int().min(0).max(65535).default(3003),
  REDIS_URL: url("redis://127.0.0.1:6380", "redis"),
  JWKS_URL: url("http://127.0.0.1:3001/.well-known/jwks.json", "http"),
  JWT_ISSUER: z.string().min(1).default("msa-board"),
  JWT_AUDIENCE: z.string().min(1).default("msa-board"),
  OTEL_EXPORTER_OTLP_ENDPOINT: url("http://127.0.0.1:4318", "http"),
  OTEL_SDK_DISABLED: booleanFlag(false),
  LOG_LEVEL: z.enum(logLevels).default("info"),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000, "must be at most 600000 (10 minutes)")
    .default(10_000),
  INSTANCE_NAME: z.string().min(1).optional(),
});

export type Config = z.output<typeof configSchema>;

export const configVariables = Object.keys(configSchema.shape) as (keyof typeof configSchema.shape)[];

/** Thrown for a bad environment; main.ts prints it and exits non-zero. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parse the environment once at start-up. Empty values count as unset; every problem names its
 * variable, so a bad deployment says what to fix instead of failing on first use.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    configVariables.map((name) => [name, env[name] === "" ? undefined : env[name]]),
  );
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(environment)"}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
}
