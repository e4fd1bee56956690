import type { Stack } from "@msa-board/stack";
import postgres from "postgres";
import { percentile } from "./load-generator.ts";

export type IdleLagResult = { lagEvents: number; lagP50Ms: number; lagP99Ms: number };
export type BurstResult = { relayEvents: number; relayPerSecond: number; endToEndPerSecond: number };
export type EventsResult = IdleLagResult & BurstResult;

type Sql = ReturnType<typeof postgres>;

const databaseUrl = (stack: Stack, name: string) => {
  const url = new URL(stack.superuserUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

async function until(check: () => Promise<boolean>, timeoutMs: number, pollMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("events did not arrive in time");
    await Bun.sleep(pollMs);
  }
}

async function withDatabases<T>(stack: Stack, fn: (users: Sql, postings: Sql) => Promise<T>): Promise<T> {
  const users = postgres(databaseUrl(stack, "users"), { max: 2, onnotice: () => {} });
  const postings = postgres(databaseUrl(stack, "postings"), { max: 2, onnotice: () => {} });
  try {
    return await fn(users, postings);
  } finally {
    await users.end();
    await postings.end();
  }
}

/**
 * Idle lag: `count` renames through the gateway at a gentle pace; for each event, the time from the
 * users transaction (outbox occurred_at) to postings recording it (processed_events.processed_at),
 * both stamped by the same PostgreSQL server clock.
 */
export function measureIdleLag(stack: Stack, { count = 1_000, ratePerSecond = 25 } = {}): Promise<IdleLagResult> {
  return withDatabases(stack, async (users, postings) => {
    const gateway = stack.describe().gatewayUrl;
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
    return { lagEvents: lags.length, lagP50Ms: percentile(lags, 50), lagP99Ms: percentile(lags, 99) };
  });
}

/**
 * Relay and end-to-end throughput: a burst of `burst` outbox rows (renames of distinct users, shaped
 * exactly like the service's own) committed in one transaction, timed from its commit until the
 * relay has published them all, and until postings has applied them all. The checks are cheap
 * (counts of one table), polled every 50 ms: a small share of the CPU the two being measured need.
 */
export function measureBurst(stack: Stack, { burst = 10_000 } = {}): Promise<BurstResult> {
  return withDatabases(stack, async (users, postings) => {
    const rows = Array.from({ length: burst }, (_, i) => ({
      id: crypto.randomUUID(),
      type: "user.updated",
      occurred_at: new Date(),
      traceparent: null,
      data: { userId: crypto.randomUUID(), name: `burst ${i}` },
    }));
    const [before] = await postings`select count(*)::int as n from processed_events`;
    const baseline = before?.n as number;
    await users.begin(async (tx) => {
      for (let i = 0; i < rows.length; i += 1_000)
        await tx`insert into outbox ${tx(rows.slice(i, i + 1_000), "id", "type", "occurred_at", "traceparent", "data")}`;
      await tx`select pg_notify('users_outbox', '')`;
    });
    const committed = performance.now();
    await until(async () => (await users`select count(*)::int as n from outbox where published_at is null`)[0]?.n === 0, 120_000, 50);
    const relayMs = performance.now() - committed;
    // Nothing else writes events meanwhile: every new dedupe row is one of the burst's.
    await until(async () => (await postings`select count(*)::int as n from processed_events`)[0]?.n >= baseline + burst, 300_000, 50);
    const endToEndMs = performance.now() - committed;
    const [missing] =
      await postings`select ${burst}::int - count(*)::int as n from processed_events where event_id in ${postings(rows.map((r) => r.id))}`;
    if (missing?.n !== 0) throw new Error(`${missing?.n} burst events were not applied`);
    return { relayEvents: burst, relayPerSecond: burst / (relayMs / 1000), endToEndPerSecond: burst / (endToEndMs / 1000) };
  });
}

/** Idle lag, then the burst, on the same stack. */
export async function measureEvents(
  stack: Stack,
  options: { count?: number; burst?: number; ratePerSecond?: number } = {},
): Promise<EventsResult> {
  const lag = await measureIdleLag(stack, options);
  const burst = await measureBurst(stack, options);
  return { ...lag, ...burst };
}
