import { describe, expect, test } from "bun:test";
import { DEV_CURSOR_SECRET } from "@msa-board/postings/module";
import { ConfigError } from "@msa-board/service-kit/env";
import { loadConfig } from "./config.ts";

const base = { ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "a-long-admin-secret" };
const production = {
  ...base,
  NODE_ENV: "production",
  SIGNING_KEYS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  CURSOR_SECRET: "a-cursor-secret-of-our-own",
};

/** The variables a refused configuration names, in order. */
function refused(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return [...err.message.matchAll(/^ {2}(\w+): /gm)].map((m) => m[1] as string);
  }
  return [];
}

describe("the monolith's configuration", () => {
  test("outside production the development defaults start (as each service does)", () => {
    const config = loadConfig(base);
    expect(config.MODULES).toEqual(["users", "postings", "notices"]);
    expect(config.CURSOR_SECRET).toBeUndefined();
    expect(config.NOTICES_FAULTS).toBe(false);
  });

  test("NODE_ENV=production runs users' and postings' production checks: no published development secret", () => {
    expect(refused(production)).toEqual([]);
    expect(refused({ ...production, ADMIN_PASSWORD: "admin-password-change-me" })).toEqual(["ADMIN_PASSWORD"]);
    expect(refused({ ...production, SIGNING_KEYS_ENCRYPTION_KEY: "" })).toEqual(["SIGNING_KEYS_ENCRYPTION_KEY"]);
    const { CURSOR_SECRET: _, ...withoutCursorSecret } = production;
    expect(refused(withoutCursorSecret)).toEqual(["CURSOR_SECRET"]);
    expect(refused({ ...production, CURSOR_SECRET: DEV_CURSOR_SECRET })).toEqual(["CURSOR_SECRET"]);
  });

  test("users' cross-field rules hold here too, under the same names", () => {
    expect(refused({ ...base, REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS: "3600", REFRESH_TOKEN_IDLE_TTL_SECONDS: "7200" })).toEqual([
      "REFRESH_TOKEN_IDLE_TTL_SECONDS",
    ]);
    expect(refused({ ...base, LOGIN_LOCKOUT_BASE_SECONDS: "600", LOGIN_LOCKOUT_MAX_SECONDS: "60" })).toEqual([
      "LOGIN_LOCKOUT_BASE_SECONDS",
    ]);
    expect(loadConfig({ ...base, LOGIN_LOCKOUT_AFTER_FAILURES: "3" }).LOGIN_LOCKOUT_AFTER_FAILURES).toBe(3);
  });

  test("fault injection only with NOTICES_FAULTS=enabled exactly, and then only with a control token", () => {
    expect(loadConfig({ ...base, NOTICES_FAULTS: "true" }).NOTICES_FAULTS).toBe(false);
    expect(refused({ ...base, NOTICES_FAULTS: "enabled" })).toEqual(["FAULTS_CONTROL_TOKEN"]);
    expect(loadConfig({ ...base, NOTICES_FAULTS: "enabled", FAULTS_CONTROL_TOKEN: "c".repeat(64) }).NOTICES_FAULTS).toBe(true);
  });
});
