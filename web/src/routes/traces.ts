import { JaegerApiError, JaegerUnreachableError } from "@msa-board/observability";
import { ProblemError } from "@msa-board/service-kit/problem";
import type { Hono } from "hono";
import type { AppDeps } from "../app-types.ts";
import { toTraceView } from "../trace-view/waterfall-model.ts";

const TRACE_ID = /^[0-9a-f]{32}$/;

/** `GET /traces/{traceId}`: one trace from Jaeger's HTTP API, as the waterfall the page draws. */
export function registerTraces(app: Hono, { jaeger, jaegerUiUrl }: AppDeps): void {
  app.get("/traces/:traceId", async (c) => {
    const traceId = c.req.param("traceId").toLowerCase();
    if (!TRACE_ID.test(traceId)) {
      throw new ProblemError("validation", "A trace id is 32 hexadecimal characters, as in the x-trace-id header.", {
        errors: [{ path: "traceId", message: "must be 32 hexadecimal characters" }],
      });
    }
    let trace: Awaited<ReturnType<typeof jaeger.getTrace>>;
    try {
      trace = await jaeger.getTrace(traceId);
    } catch (err) {
      if (err instanceof JaegerUnreachableError || err instanceof JaegerApiError) {
        throw new ProblemError("unavailable", "Jaeger, where the traces are kept, cannot be reached right now; try again shortly.", {
          headers: { "retry-after": "2" },
        });
      }
      throw err;
    }
    c.header("cache-control", "no-store");
    if (!trace) {
      throw new ProblemError("not-found", `Jaeger has no span of trace ${traceId} yet: spans reach it a moment after the request.`);
    }
    return c.json(toTraceView(trace, jaegerUiUrl));
  });
}
