import { describe, expect, test } from "bun:test";
import { ConfigError } from "@msa-board/service-kit/env";
import { DEV_CURSOR_SECRET, loadConfig } from "./config.ts";

describe("configuration", () => {
  test("every setting has a default for the native stack", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      HOST: "127.0.0.1",
      PORT: 3002,
      DATABASE_URL: "postgres://postings:postings@127.0.0.1:55432/postings",
      EVENTS_REDIS_URL: "redis://127.0.0.1:6381",
      JWKS_URL: "http://127.0.0.1:3001/.well-known/jwks.json",
      JWT_ISSUER: "msa-board",
      JWT_AUDIENCE: "msa-board",
      OTEL_SDK_DISABLED: false,
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: 10_000,
      EVENTS_STREAM: "events",
      EVENTS_GROUP: "postings",
      EVENTS_DEAD_LETTER_STREAM: "events.dead",
      CONSUMER_CLAIM_MIN_IDLE_MS: 10_000,
      CONSUMER_CLAIM_INTERVAL_MS: 5_000,
      CONSUMER_MAX_DELIVERIES: 5,
    });
    expect(config.CURSOR_SECRET).toBeUndefined();
    expect(config.CONSUMER_NAME).toEndWith(`-${process.pid}`);
  });

  test("bad values stop start-up, naming the variable", () => {
    for (const [name, value] of [
      ["PORT", "http"],
      ["PORT", "70000"],
      ["DATABASE_URL", "not a url"],
      ["CURSOR_SECRET", "short"],
      ["OTEL_SDK_DISABLED", "maybe"],
      ["LOG_LEVEL", "loud"],
      ["CONSUMER_MAX_DELIVERIES", "0"],
    ] as const) {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(name);
    }
  });

  test("production refuses to run on the public development cursor secret", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow("CURSOR_SECRET");
    expect(loadConfig({ NODE_ENV: "production", CURSOR_SECRET: "x".repeat(32) }).CURSOR_SECRET).toBe("x".repeat(32));
    expect(() => loadConfig({ NODE_ENV: "production", CURSOR_SECRET: DEV_CURSOR_SECRET })).toThrow(
      /CURSOR_SECRET: is the documented development default/,
    );
  });
});
