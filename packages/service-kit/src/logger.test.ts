import { describe, expect, test } from "bun:test";
import { context, INVALID_SPAN_CONTEXT, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { createLogger } from "./logger.ts";

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ service: "test", write: (line) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

describe("createLogger", () => {
  test("a line inside a span carries its trace and span ids", () => {
    const { lines, logger } = capture();
    const spanContext = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 };
    context.with(trace.setSpanContext(context.active(), spanContext), () => logger.info("inside"));
    expect(lines[0]).toMatchObject({
      level: "info",
      service: "test",
      msg: "inside",
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
    });
  });

  test("no ids outside a trace, nor for the all-zero context of disabled tracing", () => {
    const { lines, logger } = capture();
    logger.info("outside");
    context.with(trace.setSpanContext(context.active(), INVALID_SPAN_CONTEXT), () => logger.info("no-op span"));
    for (const line of lines) {
      expect(line.traceId).toBeUndefined();
      expect(line.spanId).toBeUndefined();
    }
  });

  test("secrets are redacted wherever they appear", () => {
    const { lines, logger } = capture();
    logger.warn("login", { email: "a@b.c", password: "hunter2", nested: { authorization: "Bearer x" } });
    expect(JSON.stringify(lines[0])).not.toContain("hunter2");
    expect(JSON.stringify(lines[0])).not.toContain("Bearer x");
  });
});
