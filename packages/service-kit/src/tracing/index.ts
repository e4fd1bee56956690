export { type TraceRequestsOptions, traceRequests } from "./http.ts";
export { contextFromTraceparent, currentTraceparent } from "./propagation.ts";
export { installTraceContext, startTracing, type Tracing, type TracingOptions } from "./provider.ts";
export { withRedisSpan } from "./redis.ts";
