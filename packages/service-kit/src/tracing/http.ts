import { httpInstrumentationMiddleware } from "@hono/otel";
import { context, type Tracer } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";

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
 */
export const traceRequests = ({ serviceName, tracer, untracedPaths = [] }: TraceRequestsOptions): MiddlewareHandler => {
  const traced = httpInstrumentationMiddleware({
    serviceName,
    ...(tracer ? { tracer } : {}),
    captureActiveRequests: false,
    spanNameFactory: (c) => `${c.req.method} ${routePath(c, -1)}`,
  });
  if (untracedPaths.length === 0) return traced;
  const skip = new Set(untracedPaths);
  return async function traceRequests(c, next) {
    if (skip.has(c.req.path)) return context.with(suppressTracing(context.active()), next);
    return traced(c, next);
  };
};
