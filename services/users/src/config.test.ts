import { describe, expect, test } from "bun:test";
import { DEV_ADMIN_PASSWORD, loadConfig } from "./config.ts";

const required = { ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "admin-password" };

describe("loadConfig", () => {
  test("defaults match ARCHITECTURE.md", () => {
    const config = loadConfig(required);
    expect(config).toMatchObject({
      HOST: "127.0.0.1",
      PORT: 3001,
      DATABASE_URL: "postgres://users:users@127.0.0.1:55432/users",
      EVENTS_REDIS_URL: "redis://127.0.0.1:6381",
      JWT_ISSUER: "msa-board",
      JWT_AUDIENCE: "msa-board",
      ACCESS_TOKEN_TTL_SECONDS: 300,
      REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS: 30 * 86_400,
      REFRESH_TOKEN_IDLE_TTL_SECONDS: 7 * 86_400,
      LOGIN_LOCKOUT_AFTER_FAILURES: 5,
      LOGIN_LOCKOUT_BASE_SECONDS: 2,
      LOGIN_LOCKOUT_MAX_SECONDS: 900,
      LOGIN_FAILURES_RESET_SECONDS: 3_600,
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
      OTEL_SDK_DISABLED: false,
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: 10_000,
      OUTBOX_STREAM: "events",
      OUTBOX_BATCH_SIZE: 500,
      OUTBOX_POLL_INTERVAL_MS: 1_000,
      OUTBOX_RETENTION_HOURS: 24,
    });
  });

  test("ADMIN_EMAIL and ADMIN_PASSWORD are required, and the error names both", () => {
    expect(() => loadConfig({})).toThrow(/ADMIN_EMAIL[\s\S]*ADMIN_PASSWORD/);
  });

  test("bad values are refused naming the variable", () => {
    expect(() => loadConfig({ ...required, PORT: "70000" })).toThrow(/PORT/);
    expect(() => loadConfig({ ...required, ADMIN_EMAIL: "nope" })).toThrow(/ADMIN_EMAIL/);
    expect(() => loadConfig({ ...required, ADMIN_PASSWORD: "short" })).toThrow(/ADMIN_PASSWORD/);
    expect(() => loadConfig({ ...required, OTEL_SDK_DISABLED: "maybe" })).toThrow(/OTEL_SDK_DISABLED/);
    expect(() => loadConfig({ ...required, SIGNING_KEYS_ENCRYPTION_KEY: "dG9vIHNob3J0" })).toThrow(/SIGNING_KEYS_ENCRYPTION_KEY/);
    expect(() => loadConfig({ ...required, ACCESS_TOKEN_TTL_SECONDS: "10" })).toThrow(/ACCESS_TOKEN_TTL_SECONDS/);
    // The contract: access tokens live at most 5 minutes.
    expect(() => loadConfig({ ...required, ACCESS_TOKEN_TTL_SECONDS: "301" })).toThrow(/ACCESS_TOKEN_TTL_SECONDS/);
    expect(() => loadConfig({ ...required, REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS: "0" })).toThrow(/REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS/);
    expect(() => loadConfig({ ...required, REFRESH_TOKEN_IDLE_TTL_SECONDS: "86400", REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS: "3600" })).toThrow(
      /REFRESH_TOKEN_IDLE_TTL_SECONDS: must not exceed/,
    );
    expect(() => loadConfig({ ...required, LOGIN_LOCKOUT_BASE_SECONDS: "60", LOGIN_LOCKOUT_MAX_SECONDS: "30" })).toThrow(
      /LOGIN_LOCKOUT_BASE_SECONDS/,
    );
  });

  test("the admin email is normalised; a 32-byte encryption key is accepted", () => {
    const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
    const config = loadConfig({ ...required, ADMIN_EMAIL: " Admin@Example.COM ", SIGNING_KEYS_ENCRYPTION_KEY: key });
    expect(config.ADMIN_EMAIL).toBe("admin@example.com");
    expect(config.SIGNING_KEYS_ENCRYPTION_KEY).toBe(key);
  });

  test("the error never echoes a secret value", () => {
    try {
      loadConfig({ ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "sh0rt" });
      throw new Error("should have failed");
    } catch (err) {
      expect((err as Error).message).toContain("ADMIN_PASSWORD");
      expect((err as Error).message).not.toContain("sh0rt");
    }
  });

  describe("NODE_ENV=production", () => {
    const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
    const production = { NODE_ENV: "production", ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "a-real-secret-password" };

    test("refuses the documented development admin password, without echoing it", () => {
      try {
        loadConfig({ ...production, ADMIN_PASSWORD: DEV_ADMIN_PASSWORD, SIGNING_KEYS_ENCRYPTION_KEY: key });
        throw new Error("should have failed");
      } catch (err) {
        expect((err as Error).message).toContain("ADMIN_PASSWORD: is the documented development default");
        expect((err as Error).message).not.toContain(DEV_ADMIN_PASSWORD);
      }
    });

    test("requires SIGNING_KEYS_ENCRYPTION_KEY", () => {
      expect(() => loadConfig(production)).toThrow(/SIGNING_KEYS_ENCRYPTION_KEY: required in production/);
      expect(() => loadConfig({ ...production, SIGNING_KEYS_ENCRYPTION_KEY: "" })).toThrow(/SIGNING_KEYS_ENCRYPTION_KEY/);
      expect(loadConfig({ ...production, SIGNING_KEYS_ENCRYPTION_KEY: key }).SIGNING_KEYS_ENCRYPTION_KEY).toBe(key);
    });

    test("outside production the development defaults still start (with the dev stack's values)", () => {
      expect(loadConfig({ ...required, ADMIN_PASSWORD: DEV_ADMIN_PASSWORD }).ADMIN_PASSWORD).toBe(DEV_ADMIN_PASSWORD);
    });
  });
});
