import type { AppDeps, PostingsApp } from "../app-types.ts";

/** Prometheus text: this process's consumer counters and the group's lag/pending/dead letters. Not in the OpenAPI document. */
export function registerMetrics(app: PostingsApp, { health }: AppDeps): void {
  app.get("/metrics", async (c) => {
    const status = health.consumerStatus?.();
    const stats = health.consumerStats ? await health.consumerStats().catch(() => null) : null;
    const lines: string[] = [];
    if (status) {
      lines.push(
        metric("postings_events_applied_total", "counter", "Events this process applied.", status.applied),
        metric(
          "postings_events_duplicates_total",
          "counter",
          "Redelivered events this process skipped (already applied).",
          status.duplicates,
        ),
        metric(
          "postings_events_handler_failures_total",
          "counter",
          "Failed handler runs in this process (retried).",
          status.handlerFailures,
        ),
        metric(
          "postings_events_dead_lettered_total",
          "counter",
          "Events this process moved to the dead-letter stream.",
          status.deadLettered,
        ),
        metric(
          "postings_events_reclaimed_total",
          "counter",
          "Entries this process claimed from stuck or crashed members.",
          status.reclaimed,
        ),
        metric(
          "postings_consumer_up",
          "gauge",
          "1 while this process's consumer is not retrying after a failure.",
          status.state === "retrying" ? 0 : 1,
        ),
      );
    }
    if (stats) {
      if (stats.lag !== null) lines.push(metric("postings_consumer_lag", "gauge", "Entries not yet delivered to the group.", stats.lag));
      lines.push(
        metric("postings_consumer_pending", "gauge", "Entries delivered to the group, not yet acknowledged.", stats.pending),
        metric("postings_dead_letters", "gauge", "Entries in the dead-letter stream.", stats.deadLetters),
      );
    }
    return c.text(`${lines.join("\n")}\n`, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });
}

function metric(name: string, type: "gauge" | "counter", help: string, value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}`;
}
