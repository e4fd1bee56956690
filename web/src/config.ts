import { envBoolean, envPort, envUrl, logLevelSchema, parseEnv } from "@msa-board/service-kit/env";
import { z } from "zod";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Used when CSRF_SECRET is unset outside production; published here, so it protects nothing. */
export const DEV_CSRF_SECRET = "msa-board-dev-csrf-secret-change-me";

/** Every setting the web part reads, validated once at start-up (README lists each). */
export const configSchema = z
  .object({
    NODE_ENV: z.string().optional(),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: envPort(3004),
    /**
     * Where the session endpoints reach users' `/login`, `/token/refresh` and `/logout`. Natively
     * the gateway (it knows the live users instances in either shape, also mid-roll); in containers
     * the users Service, so the gateway's per-client login limit keys on browsers, not on this pod.
     */
    USERS_URL: envUrl("http://127.0.0.1:8080"),
    /** Jaeger's HTTP query API, read on the server side for the trace views. */
    JAEGER_QUERY_URL: envUrl("http://127.0.0.1:16686"),
    /** Jaeger's own UI as the browser reaches it; unset where Jaeger is built without its UI. */
    JAEGER_UI_URL: z.url().optional(),
    /** HMAC key binding the CSRF token to the refresh token; at least 16 characters. */
    CSRF_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
    /** Lifetime of the refresh-token cookie; users decides how long the token itself is valid. */
    SESSION_COOKIE_MAX_AGE_SECONDS: positiveInt(14 * 24 * 3600),
    OTEL_EXPORTER_OTLP_ENDPOINT: envUrl("http://127.0.0.1:4318"),
    OTEL_SDK_DISABLED: envBoolean(false),
    LOG_LEVEL: logLevelSchema,
    SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.CSRF_SECRET === undefined) {
      ctx.addIssue({ code: "custom", path: ["CSRF_SECRET"], message: "required in production (the dev default is public)" });
    }
  });

export type Config = z.output<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return parseEnv(configSchema, env);
}
