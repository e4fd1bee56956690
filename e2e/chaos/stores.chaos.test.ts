import { describe, expect, test } from "bun:test";
import { api, eventually, expectProblem, signUpAndLogin, uniqueEmail } from "../src/support/api.ts";
import {
  killProcess,
  processStatus,
  serviceHealth,
  startProcess,
  stopProcess,
  urlOf,
  waitRestarted,
  waitServing,
} from "./support/processes.ts";

/**
 * The first write on a pooled connection that died with the server may fail once; it must fail as a
 * 503 problem (with retry-after), never a 500, and writes must succeed again within seconds.
 */
async function writesRecover(name: string) {
  const deadline = Date.now() + 10_000;
  while (true) {
    const email = uniqueEmail();
    const password = `pw-${crypto.randomUUID()}`;
    const res = await api("POST", "/users", { json: { email, password, name } });
    if (res.status === 201) {
      const login = await api("POST", "/login", { json: { email, password } });
      expect(login.status).toBe(200);
      return { token: login.body.accessToken as string };
    }
    expectProblem(res, 503);
    if (Date.now() > deadline) throw new Error("writes did not recover within 10 s");
    await Bun.sleep(Number(res.headers.get("retry-after") ?? 1) * 100);
  }
}

const users = await urlOf("users");
const postings = await urlOf("postings");
const notices = await urlOf("notices");

describe("a store going down makes its services unhealthy, and they recover by themselves", () => {
  test("PostgreSQL down: users and postings report 503; notices unaffected; all recover", async () => {
    await stopProcess("postgres");
    try {
      await eventually(async () => (await serviceHealth(users)) === 503 && (await serviceHealth(postings)) === 503, { timeoutMs: 10_000 });
      expect(await serviceHealth(notices)).toBe(200);
      const res = await api("GET", "/postings");
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.headers.get("content-type")).toStartWith("application/problem+json");
    } finally {
      await startProcess("postgres");
    }
    await eventually(async () => (await serviceHealth(users)) === 200 && (await serviceHealth(postings)) === 200, { timeoutMs: 20_000 });
    await eventually(async () => (await api("GET", "/postings")).status === 200, { timeoutMs: 10_000 });
    const user = await writesRecover("After Outage");
    expect((await api("POST", "/postings", { token: user.token, json: { title: "back", body: "b" } })).status).toBe(201);
  }, 60_000);

  test("PostgreSQL SIGKILLed: the supervisor restarts it and the services reconnect", async () => {
    const before = await processStatus("postgres");
    await killProcess("postgres");
    await waitRestarted("postgres", before.restarts);
    await eventually(async () => (await api("GET", "/postings")).status === 200, { timeoutMs: 20_000 });
    await eventually(async () => (await serviceHealth(users)) === 200, { timeoutMs: 20_000 });
    await waitServing("users");
    const user = await writesRecover("After Kill");
    expect((await api("GET", "/user", { token: user.token })).status).toBe(200);
  }, 60_000);

  test("notices Redis down: notices reports 503 and recovers", async () => {
    await stopProcess("redis-notices");
    try {
      await eventually(async () => (await serviceHealth(notices)) === 503, { timeoutMs: 10_000 });
      expect(await serviceHealth(postings)).toBe(200);
    } finally {
      await startProcess("redis-notices");
    }
    await eventually(async () => (await api("GET", "/notice")).status === 200, { timeoutMs: 20_000 });
  }, 60_000);

  test("events Redis down: users and postings keep serving (degraded), then catch up", async () => {
    await stopProcess("redis-events");
    let user: Awaited<ReturnType<typeof signUpAndLogin>>;
    let postId: string;
    try {
      user = await signUpAndLogin("Renamed While Down");
      postId = (await api("POST", "/postings", { token: user.token, json: { title: "t", body: "b" } })).body.id;
      expect((await api("PATCH", "/user", { token: user.token, json: { name: "Renamed Later" } })).status).toBe(200);
      expect([200]).toContain(await serviceHealth(users));
    } finally {
      await startProcess("redis-events");
    }
    await eventually(async () => (await api("GET", `/postings/${postId}`)).body.authorName === "Renamed Later", { timeoutMs: 20_000 });
  }, 60_000);
});
