export { type TraceRequestsOptions, traceRequests } from "./http.ts";
export { asModuleCall, MODULE_CALL_KEY, moduleCallOf } from "./module-call.ts";
export { contextFromTraceparent, currentTraceparent } from "./propagation.ts";
export { installTraceContext, startTracing, type Tracing, type TracingOptions } from "./provider.ts";
export { withRedisSpan } from "./redis.ts";
