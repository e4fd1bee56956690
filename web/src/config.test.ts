import { describe, expect, test } from "bun:test";
import { ConfigError } from "@msa-board/service-kit/env";
import { loadConfig } from "./config.ts";

describe("config", () => {
  test("defaults fit the native stack", () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3004);
    expect(config.USERS_URL).toBe("http://127.0.0.1:8080");
    expect(config.JAEGER_QUERY_URL).toBe("http://127.0.0.1:16686");
    expect(config.JAEGER_UI_URL).toBeUndefined();
    expect(config.CSRF_SECRET).toBeUndefined();
  });

  test("production refuses to start on the public CSRF default", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/CSRF_SECRET/);
    expect(loadConfig({ NODE_ENV: "production", CSRF_SECRET: "x".repeat(32) }).CSRF_SECRET).toBe("x".repeat(32));
  });

  test("a bad value names its variable", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ USERS_URL: "not a url" })).toThrow(/USERS_URL/);
    expect(() => loadConfig({ CSRF_SECRET: "short" })).toThrow(/CSRF_SECRET/);
  });
});
