import { href } from "../router.ts";

/** The x-trace-id of a call, opening its waterfall. */
export function TraceLink({ traceId }: { traceId: string | null }) {
  if (!traceId) return <span class="trace-none">no trace id</span>;
  return (
    <a class="trace-link" href={href.trace(traceId)} aria-label={`Show trace ${traceId}`}>
      <code>{traceId}</code>
    </a>
  );
}
