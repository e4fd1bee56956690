import assert from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { ConfigError, configVariables, parseConfig } from "./config.ts";

Deno.test("config: the documented defaults for the native stack", () => {
  assert.deepEqual(parseConfig({}), {
    HOST: "127.0.0.1",
    PORT: 3003,
    REDIS_URL: "redis://127.0.0.1:6380",
    JWKS_URL: "http://127.0.0.1:3001/.well-known/jwks.json",
    JWT_ISSUER: "msa-board",
    JWT_AUDIENCE: "msa-board",
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
    OTEL_SDK_DISABLED: false,
    LOG_LEVEL: "info",
    SHUTDOWN_TIMEOUT_MS: 10_000,
    INSTANCE_NAME: undefined,
    NOTICES_FAULTS: false,
    FAULTS_CONTROL_TOKEN: undefined,
  });
});

Deno.test("config: fault injection only with NOTICES_FAULTS=enabled exactly, and then only with a control token", () => {
  const token = "c".repeat(64);
  for (const value of ["true", "1", "on", "ENABLED"]) {
    assert.equal(parseConfig({ NOTICES_FAULTS: value, FAULTS_CONTROL_TOKEN: token }).NOTICES_FAULTS, false, value);
  }
  assert.equal(parseConfig({ NOTICES_FAULTS: "enabled", FAULTS_CONTROL_TOKEN: token }).NOTICES_FAULTS, true);
  assert.throws(() => parseConfig({ NOTICES_FAULTS: "enabled" }), (err: Error) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /^ {2}FAULTS_CONTROL_TOKEN: required when NOTICES_FAULTS=enabled/m);
    return true;
  });
});

Deno.test("config: values are read and converted; empty counts as unset", () => {
  const config = parseConfig({
    PORT: "4000",
    REDIS_URL: "rediss://cache:6379/2",
    OTEL_SDK_DISABLED: "true",
    LOG_LEVEL: "debug",
    SHUTDOWN_TIMEOUT_MS: "500",
    HOST: "",
  });
  assert.equal(config.PORT, 4000);
  assert.equal(config.REDIS_URL, "rediss://cache:6379/2");
  assert.equal(config.OTEL_SDK_DISABLED, true);
  assert.equal(config.SHUTDOWN_TIMEOUT_MS, 500);
  assert.equal(config.HOST, "127.0.0.1");
});

Deno.test("config: every bad value is refused, naming its variable", () => {
  const bad: Record<string, string> = {
    PORT: "70000",
    REDIS_URL: "http://not-redis",
    JWKS_URL: "not a url",
    OTEL_EXPORTER_OTLP_ENDPOINT: "grpc://x",
    OTEL_SDK_DISABLED: "maybe",
    LOG_LEVEL: "loud",
    SHUTDOWN_TIMEOUT_MS: "soon",
  };
  for (const [name, value] of Object.entries(bad)) {
    assert.throws(() => parseConfig({ [name]: value }), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, new RegExp(`^  ${name}: `, "m"));
      return true;
    });
  }
});

Deno.test("config: the variables read are exactly those --allow-env grants", () => {
  const granted = String(denoJson.tasks.start.command).match(/--allow-env=(\S+)/)?.[1]?.replaceAll("'", "").split(",");
  const needed = configVariables.filter((name) => !name.startsWith("OTEL_"));
  assert.deepEqual([...needed, "OTEL_*"].sort(), granted?.sort());
});
