import { join } from "node:path";
import { defaultGatewayOptions, type GatewayOptions, nativeTls } from "@msa-board/gateway/options";
import type { StackConfig } from "./config.ts";

/** The gateway of this stack: its ports, its EDS files; the test stack flushes spans sooner. */
export function gatewayOptionsFor(config: StackConfig): GatewayOptions {
  const base = defaultGatewayOptions(join(config.runDir, "eds"));
  const test = config.mode === "test";
  return {
    ...base,
    listen: { address: test ? "127.0.0.1" : "0.0.0.0", port: config.ports.gateway },
    tls: {
      ...nativeTls(config.tlsDir, config.ports.gatewayTls, config.gateway.hstsMaxAgeSeconds),
      address: test ? "127.0.0.1" : "0.0.0.0",
    },
    trustedProxyHops: config.gateway.trustedProxyHops,
    admin: { address: "127.0.0.1", port: config.ports.envoyAdmin },
    otlp: config.tracing ? { host: "127.0.0.1", port: config.ports.otlpGrpc } : null,
    // Tests wait for spans in Jaeger: a short timer bounds that wait, batching stays as in production.
    tracing: {
      ...base.tracing,
      randomSamplingPercent: config.gateway.traceSamplePercent,
      ...(test ? { flushIntervalMs: 200 } : {}),
    },
    accessLog: { path: join(config.logDir, "gateway-access.log") },
    limits: test
      ? {
          ...base.limits,
          // Suites sign up and log in many users from one IP; the rate-limit test uses its own gateway.
          authPerClientIp: { maxTokens: 10_000, tokensPerFill: 10_000, fillIntervalMs: 1_000 },
          // …and the benchmarks saturate the gateway from one IP: the shared limit is the only one.
          perClientIp: base.limits.global,
          healthCheck: { ...base.limits.healthCheck, intervalMs: 500 },
        }
      : base.limits,
  };
}
