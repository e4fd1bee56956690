import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

export type SentTrace = { traceId: string; spanCount: number };

const providerFor = (service: string, otlpHttpUrl: string) =>
  new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": service }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${otlpHttpUrl}/v1/traces` }))],
  });

const under = (parent: Span): Context => trace.setSpan(ROOT_CONTEXT, parent);

/**
 * A small real trace over OTLP/HTTP, the way the services emit one: `frontend` calls `backend`,
 * which runs a SQL query, a Redis command and a failing publish. Returns once Jaeger accepted it.
 */
export async function sendTwoServiceTrace(otlpHttpUrl: string, services: { frontend: string; backend: string }): Promise<SentTrace> {
  const frontend = providerFor(services.frontend, otlpHttpUrl);
  const backend = providerFor(services.backend, otlpHttpUrl);
  const front = frontend.getTracer("observability-test");
  const back = backend.getTracer("observability-test");

  const request = front.startSpan("GET /checkout", {
    kind: SpanKind.SERVER,
    attributes: { "http.request.method": "GET", "http.route": "/checkout" },
  });
  const server = back.startSpan(
    "POST /orders",
    { kind: SpanKind.SERVER, attributes: { "http.request.method": "POST", "http.route": "/orders" } },
    under(request),
  );
  const sql = back.startSpan(
    "INSERT orders",
    { kind: SpanKind.CLIENT, attributes: { "db.system": "postgresql", "db.statement": "insert into orders (id, total) values ($1, $2)" } },
    under(server),
  );
  await Bun.sleep(3);
  sql.end();
  const redis = back.startSpan(
    "XADD",
    { kind: SpanKind.CLIENT, attributes: { "db.system": "redis", "db.operation": "XADD", "db.statement": "XADD" } },
    under(server),
  );
  await Bun.sleep(1);
  redis.end();
  const publish = back.startSpan("publish order.placed", { kind: SpanKind.PRODUCER }, under(server));
  publish.setStatus({ code: SpanStatusCode.ERROR, message: "stream full" });
  publish.end();
  server.setAttribute("http.response.status_code", 201);
  server.end();
  request.setAttribute("http.response.status_code", 200);
  request.end();

  await Promise.all([backend.forceFlush(), frontend.forceFlush()]);
  await Promise.all([backend.shutdown(), frontend.shutdown()]);
  return { traceId: request.spanContext().traceId, spanCount: 5 };
}
