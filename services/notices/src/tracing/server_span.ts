import { httpInstrumentationMiddleware } from "@hono/otel";
import type { Tracer } from "@opentelemetry/api";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";

/**
 * A server span per request, continuing the caller's W3C `traceparent` (the gateway's), named
 * `METHOD /route/:template` once routing is known, so Jaeger groups requests by route.
 */
export const traceRequests = ({ serviceName, tracer }: { serviceName: string; tracer: Tracer }): MiddlewareHandler =>
  httpInstrumentationMiddleware({
    serviceName,
    tracer,
    captureActiveRequests: false,
    spanNameFactory: (c) => `${c.req.method} ${routePath(c, -1)}`,
  });
