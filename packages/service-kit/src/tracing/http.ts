import { context, propagation, type Span, SpanKind, SpanStatusCode, type TextMapGetter, type Tracer, trace } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_FULL,
} from "@opentelemetry/semantic-conventions";
import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { safeError } from "../db/safe-error.ts";
import { moduleCallOf } from "./module-call.ts";

export type TraceRequestsOptions = {
  serviceName: string;
  tracer?: Tracer;
  /**
   * Paths answered without any span, nor spans for what they query (e.g. `/healthz`, `/metrics`:
   * probed every few seconds, they would bury real traces). Exact matches.
   */
  untracedPaths?: string[];
};

/** The caller's `traceparent`/`tracestate`, read from the request as it is (no copy of every header). */
const requestHeaders: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/**
 * Server span per request, continuing the caller's `traceparent` (the gateway's), named
 * `METHOD /route/:template` once routing is known so Jaeger groups requests by route, with the
 * HTTP semantic-convention attributes (method, full URL, route, status code) and nothing more: it
 * runs on every request, so it does only the span's own work (no header copies, no metrics).
 *
 * When a host process calls this app in-process (`asModuleCall`, the monolith shape), the host
 * already holds the server span: the module's work is an internal span under it, named
 * `<module> METHOD /route/:template`.
 */
export const traceRequests = ({
  serviceName,
  tracer = trace.getTracer("@msa-board/service-kit"),
  untracedPaths = [],
}: TraceRequestsOptions): MiddlewareHandler => {
  const moduleSpan = traceModuleCall(serviceName, tracer);
  const skip = new Set(untracedPaths);
  return async function traceRequests(c, next) {
    if (skip.has(c.req.path)) return context.with(suppressTracing(context.active()), next);
    if (moduleCallOf() !== undefined) return moduleSpan(c, next);
    const method = c.req.method;
    const parent = propagation.extract(context.active(), c.req.raw.headers, requestHeaders);
    // Routing is done before the first middleware runs: the last matched handler is the route's.
    const name = `${method} ${routePath(c, -1)}`;
    return tracer.startActiveSpan(
      name,
      { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_FULL]: c.req.url } },
      parent,
      async (span) => {
        try {
          await next();
          finishServerSpan(span, c, name, c.error);
        } catch (err) {
          finishServerSpan(span, c, name, err);
          throw err;
        } finally {
          span.end();
        }
      },
    );
  };
};

function finishServerSpan(span: Span, c: Context, name: string, error: unknown): void {
  if (!span.isRecording()) return;
  const status = c.res.status;
  const route = routePath(c, -1);
  span.setAttributes({ [ATTR_HTTP_ROUTE]: route, [ATTR_HTTP_RESPONSE_STATUS_CODE]: status });
  const finalName = `${c.req.method} ${route}`;
  if (finalName !== name) span.updateName(finalName);
  // onError has answered by now; a database error carries the query's parameters (emails,
  // hashes): the span records it without them.
  if (error) span.recordException(safeError(error) as Error);
  if (error || status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
}

const traceModuleCall =
  (module: string, tracer: Tracer): MiddlewareHandler =>
  async (c, next) =>
    tracer.startActiveSpan(
      `${module} ${c.req.method}`,
      { kind: SpanKind.INTERNAL, attributes: { "msa.module": module, [ATTR_HTTP_REQUEST_METHOD]: c.req.method } },
      async (span) => {
        try {
          await next();
          span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, c.res.status);
          if (c.res.status >= 500 || c.error) span.setStatus({ code: SpanStatusCode.ERROR });
        } catch (err) {
          span.recordException(safeError(err) as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw err;
        } finally {
          const route = routePath(c, -1);
          span.setAttribute(ATTR_HTTP_ROUTE, route);
          span.updateName(`${module} ${c.req.method} ${route}`);
          span.end();
        }
      },
    );
