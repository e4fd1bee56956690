import { afterAll, beforeAll, expect, test } from "bun:test";
import { waitFor } from "./test-support/admin.ts";
import { expectProblem, expectTraceId, traceIdOf } from "./test-support/assertions.ts";
import { type Harness, startHarness } from "./test-support/harness.ts";
import { type OtlpReceiver, startOtlpReceiver } from "./test-support/otlp-receiver.ts";
import { freePort } from "./test-support/ports.ts";

// Span export over OTLP/gRPC, including a "Jaeger" that comes up after Envoy.

let gw: Harness;
let otlpPort: number;
let receiver: OtlpReceiver | undefined;

beforeAll(async () => {
  otlpPort = await freePort();
  // Nothing listens on the OTLP port yet.
  gw = await startHarness({ otlp: { host: "127.0.0.1", port: otlpPort } });
});
afterAll(async () => {
  await gw?.stop();
  await receiver?.stop();
});

test("Envoy starts and serves while Jaeger is not up", async () => {
  const response = await fetch(`${gw.url}/postings`);
  expect(response.status).toBe(200);
  expectTraceId(response);
});

test("once Jaeger is up, spans arrive as service gateway with the request's trace id", async () => {
  receiver = await startOtlpReceiver(otlpPort);
  const response = await fetch(`${gw.url}/postings/p-1`);
  const traceId = expectTraceId(response);
  const seen = gw.stubs.postings.seen.at(-1);
  expect(traceIdOf(seen?.headers.traceparent)).toBe(traceId);
  const rx = receiver;
  await waitFor(
    "the gateway span in an OTLP export",
    async () => {
      // Keep traffic flowing so the tracer flushes (and reconnects) promptly.
      await fetch(`${gw.url}/notice`).then((r) => r.body?.cancel());
      return rx.received("gateway", Buffer.from(traceId, "hex"), "GET /postings/{id}");
    },
    15_000,
  );
});

test("Envoy's own replies are traced too", async () => {
  const rx = receiver as OtlpReceiver;
  const response = await fetch(`${gw.url}/nowhere`);
  await expectProblem(response, 404, "not-found");
  const traceId = response.headers.get("x-trace-id") as string;
  await waitFor("the 404's span in an OTLP export", async () => {
    await fetch(`${gw.url}/notice`).then((r) => r.body?.cancel());
    return rx.received(Buffer.from(traceId, "hex"));
  });
});
