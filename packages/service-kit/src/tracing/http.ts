import { httpInstrumentationMiddleware } from "@hono/otel";
import { context, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from "@opentelemetry/semantic-conventions";
import type { MiddlewareHandler } from "hono";
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

/**
 * Server span per request, continuing the caller's `traceparent` (the gateway's), named
 * `METHOD /route/:template` once routing is known so Jaeger groups requests by route.
 *
 * When a host process calls this app in-process (`asModuleCall`, the monolith shape), the host
 * already holds the server span: the module's work is an internal span under it, named
 * `<module> METHOD /route/:template`.
 */
export const traceRequests = ({ serviceName, tracer, untracedPaths = [] }: TraceRequestsOptions): MiddlewareHandler => {
  const traced = httpInstrumentationMiddleware({
    serviceName,
    ...(tracer ? { tracer } : {}),
    captureActiveRequests: false,
    spanNameFactory: (c) => `${c.req.method} ${routePath(c, -1)}`,
  });
  const moduleSpan = traceModuleCall(serviceName, tracer);
  const skip = new Set(untracedPaths);
  return async function traceRequests(c, next) {
    if (skip.has(c.req.path)) return context.with(suppressTracing(context.active()), next);
    if (moduleCallOf() !== undefined) return moduleSpan(c, next);
    // The instrumentation records `c.error` on the server span as it is: a database error there
    // would export the query's parameters (emails, hashes). onError has already answered by now.
    return traced(c, async () => {
      await next();
      if (c.error) c.error = safeError(c.error);
    });
  };
};

const traceModuleCall =
  (module: string, tracer = trace.getTracer("@msa-board/service-kit")): MiddlewareHandler =>
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
