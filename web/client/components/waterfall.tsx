import type { SpanKind, TraceView } from "../trace-view.ts";
import { When } from "./when.tsx";

const KNOWN_SERVICES = new Set(["gateway", "web", "users", "postings", "notices", "monolith"]);
const serviceClass = (service: string) => `svc-${KNOWN_SERVICES.has(service) ? service : "other"}`;

const KIND_LABEL: Record<SpanKind, string> = { http: "HTTP", sql: "SQL", redis: "Redis", event: "event", internal: "" };

const msText = (ms: number) => `${ms.toFixed(2)} ms`;

/**
 * The trace as a table (so it reads well with a screen reader too): one row per span in tree
 * order, indented by depth, with a bar placed on the trace's timeline.
 */
export function Waterfall({ view }: { view: TraceView }) {
  const total = Math.max(view.durationMs, 0.001);
  return (
    <section class="waterfall" aria-labelledby="waterfall-title">
      <h2 id="waterfall-title">Waterfall</h2>
      <dl class="facts">
        <dt>Started</dt>
        <dd>
          <When iso={view.startedAt} />
        </dd>
        <dt>Duration</dt>
        <dd>{msText(view.durationMs)}</dd>
        <dt>Spans</dt>
        <dd>
          {view.rows.length} in {view.services.length} service{view.services.length === 1 ? "" : "s"}:{" "}
          {view.services.map((s) => (
            <span key={s} class={`legend ${serviceClass(s)}`}>
              {s}
            </span>
          ))}
        </dd>
      </dl>
      {view.problems.length > 0 && (
        <ul class="trace-problems">
          {view.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {view.jaegerUiUrl && (
        <p>
          <a href={view.jaegerUiUrl} target="_blank" rel="noreferrer">
            Open this trace in Jaeger's UI
          </a>
        </p>
      )}
      <div class="table-scroll">
        <table>
          <caption>
            Spans of trace <code>{view.traceId}</code>, earliest first within each parent
          </caption>
          <thead>
            <tr>
              <th scope="col">Span</th>
              <th scope="col">Service</th>
              <th scope="col" class="timeline-col">
                Timeline (0 – {msText(view.durationMs)})
              </th>
              <th scope="col">Duration</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {view.rows.map((row) => (
              <tr key={row.spanId} class={`${row.error ? "span-error " : ""}kind-${row.kind}`}>
                <th scope="row" class="span-name">
                  <span class="indent" style={{ paddingLeft: `${row.depth * 1.1}em` }}>
                    {KIND_LABEL[row.kind] && <span class={`kind kind-${row.kind}`}>{KIND_LABEL[row.kind]}</span>} {row.operation}
                  </span>
                </th>
                <td>
                  <span class={`legend ${serviceClass(row.service)}`}>{row.service}</span>
                </td>
                <td class="timeline-col">
                  <div class="track" aria-hidden="true">
                    <div
                      class={`bar ${serviceClass(row.service)}`}
                      style={{
                        left: `${Math.min(99.5, (row.startMs / total) * 100)}%`,
                        width: `${Math.max(0.5, (row.durationMs / total) * 100)}%`,
                      }}
                    />
                  </div>
                  <span class="visually-hidden">starts at {msText(row.startMs)}</span>
                </td>
                <td class="num">{msText(row.durationMs)}</td>
                <td class="details">
                  {row.orphan && <span class="warn">parent not arrived yet</span>}
                  {row.details.map((d) => (
                    <span key={d} class={d.startsWith("error") ? "detail error" : "detail"}>
                      {d}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
