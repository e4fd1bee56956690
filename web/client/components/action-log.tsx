import { actions } from "../actions.ts";
import { useStore } from "../store.ts";
import { TraceLink } from "./trace-link.tsx";

/** "What did this click do?": every call the page made for you, newest first, each with its trace. */
export function ActionLog() {
  const list = useStore(actions);
  return (
    <aside class="action-log" aria-labelledby="action-log-title">
      <h2 id="action-log-title">What did this click do?</h2>
      {list.length === 0 ? (
        <p>Each action you take calls the API through the gateway; its trace id shows up here.</p>
      ) : (
        <ol>
          {list.map((a) => (
            <li key={a.id}>
              <span class="action-label">{a.label}</span>{" "}
              <span class="action-call">
                {a.method} {a.path.split("?")[0]} →{" "}
                <span class={a.status >= 400 || a.status === 0 ? "status-bad" : "status-ok"}>{a.status || "no answer"}</span>
              </span>{" "}
              <TraceLink traceId={a.traceId} />
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
