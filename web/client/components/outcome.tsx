import type { ApiResult } from "../http.ts";
import { explain } from "../problems.ts";
import { TraceLink } from "./trace-link.tsx";

/**
 * What a form's submit did: success or the problem in words, and always the trace of the call.
 * `role=status`/`alert` so screen readers hear it without moving focus.
 */
export function Outcome({ result, success }: { result: ApiResult | null; success?: string }) {
  if (!result) return null;
  const failed = !result.ok;
  return (
    <div class={`outcome ${failed ? "outcome-error" : "outcome-ok"}`} role={failed ? "alert" : "status"}>
      <p>{failed ? explain(result).message : (success ?? "Done.")}</p>
      <p class="outcome-trace">
        {result.method} {result.path.split("?")[0]} → {result.status || "no answer"} · trace <TraceLink traceId={result.traceId} />
      </p>
    </div>
  );
}

/** The per-field messages of a failed call (400 `errors[]`). */
export const fieldErrors = (result: ApiResult | null): Record<string, string> => (result && !result.ok ? explain(result).fields : {});
