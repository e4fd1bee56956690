import { useEffect, useState } from "preact/hooks";
import { Outcome } from "../components/outcome.tsx";
import { Waterfall } from "../components/waterfall.tsx";
import { type ApiResult, request } from "../http.ts";
import type { TraceView } from "../trace-view.ts";

const POLL_MS = 500;
const POLL_FOR_MS = 8_000;
/** Spans arrive in batches (and an event's consumer spans later still): stop once the count holds. */
const STABLE_POLLS = 4;

export function TracePage({ id }: { id: string }) {
  const [view, setView] = useState<TraceView | null>(null);
  const [failure, setFailure] = useState<ApiResult | null>(null);
  const [waiting, setWaiting] = useState(true);
  const [round, setRound] = useState(0);

  useEffect(() => {
    let stopped = false;
    let stable = 0;
    let lastCount = -1;
    const started = Date.now();
    setView(null);
    setFailure(null);
    setWaiting(true);
    const poll = async () => {
      const r = await request<TraceView>("GET", `/traces/${encodeURIComponent(id)}`);
      if (stopped) return;
      if (r.ok && r.body) {
        setView(r.body);
        setFailure(null);
        stable = r.body.rows.length === lastCount ? stable + 1 : 0;
        lastCount = r.body.rows.length;
      } else if (r.status !== 404 || Date.now() - started > POLL_FOR_MS) setFailure(r);
      const done = stable >= STABLE_POLLS || Date.now() - started > POLL_FOR_MS || (r.status !== 404 && !r.ok);
      if (done) setWaiting(false);
      else setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [id, round]);

  return (
    <>
      <h1 tabIndex={-1}>Trace</h1>
      <p>
        Trace id <code>{id}</code>: everything one request did, across the gateway and the services, read from Jaeger.
      </p>
      <p role="status" class="trace-state" data-round={round}>
        {waiting ? "Collecting spans from Jaeger…" : view ? `Complete as far as Jaeger knows: ${view.rows.length} spans.` : ""}
      </p>
      {!waiting && (
        <button type="button" onClick={() => setRound((n) => n + 1)}>
          Ask Jaeger again
        </button>
      )}
      {failure && <Outcome result={failure} />}
      {view && <Waterfall view={view} />}
    </>
  );
}
