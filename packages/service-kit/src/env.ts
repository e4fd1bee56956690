import { z } from "zod";

/** Thrown when configuration is invalid; main.ts prints it and exits non-zero. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parse the environment once at start-up. Every problem names its variable, so a bad
 * deployment says what to fix instead of failing later on first use.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    return `  ${name}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
}

/** Env booleans: "true"/"1"/"yes" and "false"/"0"/"no", nothing else. */
export const envBoolean = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true" || v === "1" || v === "yes"));

export const envPort = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const envUrl = (fallback: string) => z.url().default(fallback);

export const logLevelSchema = z.enum(["debug", "info", "warn", "error"]).default("info");
