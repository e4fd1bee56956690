import { describe, expect, test } from "bun:test";
import {
  instanceOf,
  killProcess,
  processStatus,
  startProcess,
  stopProcess,
  urlOf,
  waitRestarted,
  waitServing,
} from "./support/processes.ts";

async function livez(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/livez`, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

describe("liveness: stuck processes are restarted, store outages never", () => {
  test("a frozen service (SIGSTOP) stops answering /livez and the supervisor restarts it", async () => {
    const name = await instanceOf("postings");
    const before = await processStatus(name);
    await killProcess(name, "SIGSTOP");
    // Three failed checks five seconds apart, then SIGKILL and a supervised restart.
    await waitRestarted(name, before.restarts, 45_000);
    await waitServing("postings");
    expect(await livez(await urlOf("postings"))).toBe(200);
  }, 60_000);

  test("the events Redis down for longer than the liveness window restarts nothing; /livez stays 200", async () => {
    const users = await instanceOf("users");
    const postings = await instanceOf("postings");
    const restartsBefore = [(await processStatus(users)).restarts, (await processStatus(postings)).restarts];
    const urls = [await urlOf("users"), await urlOf("postings")];
    await stopProcess("redis-events");
    try {
      const until = Date.now() + 20_000;
      while (Date.now() < until) {
        for (const url of urls) expect(await livez(url)).toBe(200);
        await Bun.sleep(1_000);
      }
      expect([(await processStatus(users)).restarts, (await processStatus(postings)).restarts]).toEqual(restartsBefore);
    } finally {
      await startProcess("redis-events");
    }
    await waitServing("users");
  }, 60_000);
});
