/** The JSON `GET /traces/{id}` answers, typed once on the server side. */
export type { SpanKind, TraceView, WaterfallRow } from "../src/trace-view/waterfall-model.ts";
