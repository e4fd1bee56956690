import type { GatewayOptions } from "./options.ts";
import { duration, typed } from "./proto.ts";

/**
 * Envoy starts (or continues, if the client sent `traceparent`) the W3C trace of every request,
 * exports its span as service `gateway` to Jaeger over OTLP/gRPC and sends `traceparent` upstream,
 * so the service's server span is a child of the gateway span: one request, one trace.
 */

export const TRACE_ID_HEADER = "x-trace-id";
export const OTLP_CLUSTER = "otlp";

export const tracingConfig = ({ tracing }: GatewayOptions) => ({
  random_sampling: { value: tracing.randomSamplingPercent },
  provider: {
    name: "envoy.tracers.opentelemetry",
    typed_config: typed("envoy.config.trace.v3.OpenTelemetryConfig", {
      service_name: "gateway",
      // Envoy 1.40 insists on an exporter. With `otlp: null` the cluster has no endpoints: spans
      // (and so x-trace-id and traceparent) are still made, their export fails at once, locally.
      grpc_service: { envoy_grpc: { cluster_name: OTLP_CLUSTER }, timeout: duration(2_000) },
    }),
  },
});

/**
 * The OpenTelemetry tracer in Envoy 1.40 has no flush fields in its config; it reads these runtime
 * keys (defaults 5000 ms / 5 spans). Tests lower them so spans reach Jaeger quickly.
 */
export const tracingRuntime = ({ tracing }: GatewayOptions) => ({
  "tracing.opentelemetry.flush_interval_ms": tracing.flushIntervalMs,
  "tracing.opentelemetry.min_flush_spans": tracing.minFlushSpans,
});
