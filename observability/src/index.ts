/** What other packages (e2e) use: the Jaeger client, span trees and trace-shape checks. */
export type { JaegerKeyValue, JaegerProcess, JaegerReference, JaegerSpan, JaegerTrace } from "./jaeger-api.ts";
export {
  createJaegerClient,
  type FindTracesQuery,
  JaegerApiError,
  type JaegerClient,
  JaegerUnreachableError,
  type WaitForTraceOptions,
} from "./jaeger-client.ts";
export { buildSpanTree, type SpanTree, walkSpanTree } from "./span-tree.ts";
export { isErrorSpan, parentIdOf, type SpanView, serviceOf, spanAttributes } from "./span-view.ts";
export { assertTraceShape, childrenOf, rootSpan, TraceShapeError, type TraceShapeExpectations, traceShapeProblems } from "./trace-shape.ts";
export { renderTrace } from "./waterfall.ts";
