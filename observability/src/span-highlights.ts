import type { SpanView } from "./span-view.ts";

export type Highlight = { text: string; severity: "normal" | "warning" | "error" };

const STATEMENT_MAX = 60;

/** Cuts text to `max` characters, marking the cut with …. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A multi-line value (SQL) on one line, clipped. */
export function truncate(text: string, max: number): string {
  return clip(text.replace(/\s+/g, " ").trim(), max);
}

/** The few attributes worth a glance on a waterfall line: HTTP status, SQL, Redis command, errors. */
export function spanHighlights(span: SpanView): Highlight[] {
  const a = span.attributes;
  const highlights: Highlight[] = [];
  const status = a["http.response.status_code"] ?? a["http.status_code"];
  if (status !== undefined) {
    const code = Number(status);
    highlights.push({ text: `HTTP ${status}`, severity: code >= 500 ? "error" : code >= 400 ? "warning" : "normal" });
  }
  const system = a["db.system"] ?? a["db.system.name"];
  if (system === "redis") {
    const command = a["db.operation"] ?? a["db.operation.name"] ?? a["db.statement"];
    if (command !== undefined) highlights.push({ text: `redis ${truncate(String(command), STATEMENT_MAX)}`, severity: "normal" });
  } else {
    const statement = a["db.statement"] ?? a["db.query.text"];
    if (statement !== undefined)
      highlights.push({
        text: `${system === "postgresql" ? "SQL" : (system ?? "db")}: ${truncate(String(statement), STATEMENT_MAX)}`,
        severity: "normal",
      });
  }
  const destination = a["messaging.destination.name"];
  if (destination !== undefined)
    highlights.push({
      text: `${a["messaging.operation.type"] ?? a["messaging.operation"] ?? "message"} ${destination}`,
      severity: "normal",
    });
  if (span.error)
    highlights.push({ text: `error${span.errorMessage ? `: ${truncate(span.errorMessage, STATEMENT_MAX)}` : ""}`, severity: "error" });
  return highlights;
}
