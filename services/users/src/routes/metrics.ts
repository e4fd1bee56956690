import type { ResolvedAppDeps, UsersApp } from "../app-types.ts";
import { OutboxRepository } from "../events/outbox-repository.ts";

/**
 * Prometheus text: the outbox backlog (shared), this process's relay counters and its security
 * counters (refresh-token reuse, locked logins: a rise means someone is attacking). Not in the
 * OpenAPI document.
 */
export function registerMetrics(app: UsersApp, { db, health, refreshTokens, loginThrottle }: ResolvedAppDeps): void {
  const outbox = new OutboxRepository(db);
  app.get("/metrics", async (c) => {
    const backlog = await outbox.backlog();
    const relay = health.relay?.();
    const lines = [
      metric("users_outbox_backlog", "gauge", "Outbox rows not yet published.", backlog.backlog),
      metric(
        "users_outbox_oldest_unpublished_age_seconds",
        "gauge",
        "Age of the oldest unpublished outbox row (0 when none).",
        (backlog.oldestUnpublishedAgeMs ?? 0) / 1000,
      ),
      metric(
        "users_refresh_token_reuse_total",
        "counter",
        "Used refresh tokens presented again in this process (each revoked its session).",
        refreshTokens.reusesDetected,
      ),
      metric(
        "users_login_locked_total",
        "counter",
        "Logins and password changes this process refused because the account was locked.",
        loginThrottle.refusedWhileLocked,
      ),
    ];
    if (relay) {
      lines.push(
        metric("users_outbox_published_total", "counter", "Events this process published to the stream.", relay.publishedTotal),
        metric(
          "users_outbox_publish_failures_total",
          "counter",
          "Relay passes that failed (events Redis or database unreachable) in this process.",
          relay.failedAttemptsTotal,
        ),
        metric("users_outbox_relay_up", "gauge", "1 while this process's relay is not backing off.", relay.state === "retrying" ? 0 : 1),
      );
    }
    return c.text(`${lines.join("\n")}\n`, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });
}

function metric(name: string, type: "gauge" | "counter", help: string, value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}`;
}
