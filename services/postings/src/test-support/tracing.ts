import { InMemorySpanExporter } from "@msa-board/service-kit/test-support";
import { startTracing } from "@msa-board/service-kit/tracing";

/**
 * One tracer provider per test process (the OTel globals can be set once): every suite shares this
 * in-memory exporter; a suite that asserts on spans resets it first.
 */
export const spanExporter = new InMemorySpanExporter();
export const testTracing = startTracing({ serviceName: "postings", exporter: spanExporter });
