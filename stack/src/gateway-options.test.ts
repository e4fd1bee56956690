import { describe, expect, test } from "bun:test";
import { devConfig, NATIVE_HSTS_MAX_AGE_SECONDS, testConfig } from "./config.ts";
import { gatewayOptionsFor } from "./gateway-options.ts";

describe("the native gateway", () => {
  test("both doors: plain :8080 for local use and HTTPS :8443 with the certificate in the data folder", () => {
    const config = devConfig({ dataDir: "/srv/board", env: {} });
    const options = gatewayOptionsFor(config);
    expect(options.listen).toEqual({ address: "0.0.0.0", port: 8080 });
    expect(options.tls).toEqual({
      address: "0.0.0.0",
      port: 8443,
      certificateChainPath: "/srv/board/tls/server.crt",
      privateKeyPath: "/srv/board/tls/server.key",
      hstsMaxAgeSeconds: NATIVE_HSTS_MAX_AGE_SECONDS,
    });
    expect(options.trustedProxyHops).toBe(0);
  });

  test("behind a proxy: GATEWAY_TRUSTED_PROXY_HOPS; HSTS and the TLS port can be moved too", () => {
    const config = devConfig({
      dataDir: "/srv/board",
      env: { GATEWAY_TRUSTED_PROXY_HOPS: "1", GATEWAY_HSTS_MAX_AGE: "31536000", GATEWAY_TLS_PORT: "9443" },
    });
    const options = gatewayOptionsFor(config);
    expect(options.trustedProxyHops).toBe(1);
    expect(options.tls?.hstsMaxAgeSeconds).toBe(31_536_000);
    expect(options.tls?.port).toBe(9443);
  });

  test("every request is traced unless GATEWAY_TRACE_SAMPLE_PERCENT says otherwise", () => {
    expect(gatewayOptionsFor(devConfig({ dataDir: "/srv/board", env: {} })).tracing.randomSamplingPercent).toBe(100);
    const sampled = devConfig({ dataDir: "/srv/board", env: { GATEWAY_TRACE_SAMPLE_PERCENT: "10" } });
    expect(gatewayOptionsFor(sampled).tracing.randomSamplingPercent).toBe(10);
    expect(() => devConfig({ env: { GATEWAY_TRACE_SAMPLE_PERCENT: "101" } })).toThrow(/GATEWAY_TRACE_SAMPLE_PERCENT/);
  });

  test("one Envoy worker thread unless GATEWAY_CONCURRENCY says otherwise; the test stack runs what npm start runs", async () => {
    expect(devConfig({ dataDir: "/srv/board", env: {} }).gateway.concurrency).toBe(1);
    expect(devConfig({ dataDir: "/srv/board", env: { GATEWAY_CONCURRENCY: "4" } }).gateway.concurrency).toBe(4);
    expect((await testConfig("/tmp/board-test", {})).gateway.concurrency).toBe(devConfig({ env: {} }).gateway.concurrency);
    expect(() => devConfig({ env: { GATEWAY_CONCURRENCY: "0" } })).toThrow(/GATEWAY_CONCURRENCY/);
    expect(() => devConfig({ env: { GATEWAY_CONCURRENCY: "all" } })).toThrow(/GATEWAY_CONCURRENCY/);
  });

  test("nonsense is refused at start, naming the variable", () => {
    expect(() => devConfig({ env: { GATEWAY_TRUSTED_PROXY_HOPS: "-1" } })).toThrow(/GATEWAY_TRUSTED_PROXY_HOPS/);
    expect(() => devConfig({ env: { GATEWAY_TRUSTED_PROXY_HOPS: "two" } })).toThrow(/GATEWAY_TRUSTED_PROXY_HOPS/);
    expect(() => devConfig({ env: { GATEWAY_HSTS_MAX_AGE: "1.5" } })).toThrow(/GATEWAY_HSTS_MAX_AGE/);
  });

  test("the test stack: loopback doors, and limits out of the way of suites and benchmarks from one IP", async () => {
    const options = gatewayOptionsFor(await testConfig("/tmp/board-test", {}));
    expect(options.listen?.address).toBe("127.0.0.1");
    expect(options.tls?.address).toBe("127.0.0.1");
    expect(options.limits.perClientIp).toEqual(options.limits.global);
  });
});
