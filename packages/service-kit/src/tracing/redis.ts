import { type Attributes, SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";

/**
 * One client span per Redis command, named by the command only: keys and values can carry user
 * data, so they never become attributes.
 */
export async function withRedisSpan<T>(tracer: Tracer, command: string, run: () => Promise<T>, attributes: Attributes = {}): Promise<T> {
  const operation = command.toUpperCase();
  return tracer.startActiveSpan(
    operation,
    { kind: SpanKind.CLIENT, attributes: { "db.system": "redis", "db.operation": operation, "db.statement": operation, ...attributes } },
    async (span) => {
      try {
        return await run();
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
