import { context } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { traceRequests } from "@msa-board/service-kit/tracing";
import type { Tracer } from "@opentelemetry/api";
import type { MiddlewareHandler } from "hono";

/** Probed every few seconds by supervisors and scrapers: tracing them would bury real traces. */
const OPERATIONS_PATHS = new Set(["/healthz", "/metrics"]);

/** service-kit's server spans for every request except health checks and metrics scrapes (not traced at all). */
export const traceApiRequests = ({ tracer }: { tracer?: Tracer }): MiddlewareHandler => {
  const traced = traceRequests({ serviceName: "users", ...(tracer ? { tracer } : {}) });
  return async function traceApiRequests(c, next) {
    if (OPERATIONS_PATHS.has(c.req.path)) return context.with(suppressTracing(context.active()), next);
    return traced(c, next);
  };
};
