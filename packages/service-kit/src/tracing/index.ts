export { type TraceRequestsOptions, traceRequests } from "./http.ts";
export { instrumentPostgres, type PostgresTracingOptions } from "./postgres.ts";
export { contextFromTraceparent, currentTraceparent } from "./propagation.ts";
export { startTracing, type Tracing, type TracingOptions } from "./provider.ts";
export { withRedisSpan } from "./redis.ts";
