import { ConfigError, envBoolean, logLevelSchema, parseEnv } from "@msa-board/service-kit/env";
import { faultControlToken, faultFlag, requireTokenWhenEnabled } from "@msa-board/service-kit/faults";
import { z } from "zod";

export { ConfigError };

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
  OTEL_SDK_DISABLED: envBoolean(false),
  LOG_LEVEL: logLevelSchema,
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000, "must be at most 600000 (10 minutes)")
    .default(10_000),
  INSTANCE_NAME: z.string().min(1).optional(),
  /** `enabled` (exactly) adds fault injection: assaults on the notices routes, set via `PUT /faults/notices`. Off otherwise. */
  NOTICES_FAULTS: faultFlag(),
  /** The bearer token `PUT /faults/notices` requires; needed only with NOTICES_FAULTS=enabled. */
  FAULTS_CONTROL_TOKEN: faultControlToken(),
}).superRefine(requireTokenWhenEnabled("NOTICES_FAULTS"));

export type Config = z.output<typeof configSchema>;

export const configVariables = Object.keys(configSchema.shape) as (keyof typeof configSchema.shape)[];

/** Parse the environment once at start-up; empty values count as unset (the kit names each bad variable). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    configVariables.map((name) => [name, env[name] === "" ? undefined : env[name]]),
  );
  return parseEnv(configSchema, present);
}
