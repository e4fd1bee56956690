import type { Stack } from "@msa-board/stack";
import postgres from "postgres";
import { percentile } from "./load-generator.ts";

export type EventsResult = {
  lagEvents: number;
  lagP50Ms: number;
  lagP99Ms: number;
  relayEvents: number;
  relayPerSecond: number;
  endToEndPerSecond: number;
};

const databaseUrl = (stack: Stack, name: string) => {
  const url = new URL(stack.superuserUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("events did not arrive in time");
    await Bun.sleep(20);
  }
}

/**
 * Idle lag: `count` renames through the gateway at a gentle pace; for each event, the time from the
 * users transaction (outbox occurred_at) to postings recording it (processed_events.processed_at),
 * both stamped by the same PostgreSQL server clock.
 * Relay throughput: a burst of outbox rows committed at once, timed until the relay has published
 * them all, and until postings has applied them all.
 */
export async function measureEvents(stack: Stack, { count = 1_000, burst = 5_000, ratePerSecond = 25 } = {}): Promise<EventsResult> {
  const gateway = stack.describe().gatewayUrl;
  const users = postgres(databaseUrl(stack, "users"), { max: 2, onnotice: () => {} });
  const postings = postgres(databaseUrl(stack, "postings"), { max: 2, onnotice: () => {} });
  try {
    const email = `lag-${crypto.randomUUID()}@bench.msa-board.test`;
    const json = { "content-type": "application/json" };
    await fetch(`${gateway}/users`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ email, password: "bench-password", name: "Lag 0" }),
    });
    const login = await fetch(`${gateway}/login`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ email, password: "bench-password" }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const auth = { ...json, authorization: `Bearer ${accessToken}` };
    const started = new Date();
    for (let i = 1; i <= count; i++) {
      const due = performance.now() + 1000 / ratePerSecond;
      const res = await fetch(`${gateway}/user`, { method: "PATCH", headers: auth, body: JSON.stringify({ name: `Lag ${i}` }) });
      await res.arrayBuffer();
      const wait = due - performance.now();
      if (wait > 0) await Bun.sleep(wait);
    }
    const ids = (await users`select id from outbox where type = 'user.updated' and occurred_at >= ${started} order by occurred_at`).map(
      (r) => r.id as string,
    );
    await until(
      async () => (await postings`select count(*)::int as n from processed_events where event_id in ${postings(ids)}`)[0]?.n === ids.length,
      30_000,
    );
    const occurred = new Map(
      (await users`select id, occurred_at from outbox where id in ${users(ids)}`).map((r) => [r.id as string, r.occurred_at as Date]),
    );
    const lags = (await postings`select event_id, processed_at from processed_events where event_id in ${postings(ids)}`)
      .map((r) => (r.processed_at as Date).getTime() - (occurred.get(r.event_id as string) as Date).getTime())
      .sort((a, b) => a - b);

    // A burst of rows committed in one transaction, shaped exactly like the service's own.
    const burstStarted = performance.now();
    const burstIds = await users.begin(async (tx) => {
      const rows = Array.from({ length: burst }, (_, i) => ({
        id: crypto.randomUUID(),
        type: "user.updated",
        occurred_at: new Date(),
        traceparent: null,
        data: { userId: crypto.randomUUID(), name: `burst ${i}` },
      }));
      for (let i = 0; i < rows.length; i += 1_000)
        await tx`insert into outbox ${tx(rows.slice(i, i + 1_000), "id", "type", "occurred_at", "traceparent", "data")}`;
      await tx`select pg_notify('users_outbox', '')`;
      return rows.map((r) => r.id);
    });
    await until(
      async () => (await users`select count(*)::int as n from outbox where id in ${users(burstIds)} and published_at is null`)[0]?.n === 0,
      120_000,
    );
    const relayMs = performance.now() - burstStarted;
    await until(
      async () =>
        (await postings`select count(*)::int as n from processed_events where event_id in ${postings(burstIds)}`)[0]?.n === burstIds.length,
      300_000,
    );
    const endToEndMs = performance.now() - burstStarted;
    return {
      lagEvents: lags.length,
      lagP50Ms: percentile(lags, 50),
      lagP99Ms: percentile(lags, 99),
      relayEvents: burst,
      relayPerSecond: burst / (relayMs / 1000),
      endToEndPerSecond: burst / (endToEndMs / 1000),
    };
  } finally {
    await users.end();
    await postings.end();
  }
}
