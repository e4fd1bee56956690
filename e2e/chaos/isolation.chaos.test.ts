import { describe, expect, test } from "bun:test";
import { eventually } from "../src/support/api.ts";
import { startLoad, summarize } from "./support/load.ts";
import { instanceOf, killProcess, processStatus, startProcess, stopProcess, waitRestarted } from "./support/processes.ts";

const routes = { users: "/.well-known/jwks.json", postings: "/postings?limit=5", notices: "/notice" } as const;
type Service = keyof typeof routes;
const services = Object.keys(routes) as Service[];

async function routeServes(route: string): Promise<boolean> {
  const { gatewayUrl } = (await import("../src/support/stack.ts")).stack;
  const res = await fetch(`${gatewayUrl}${route}`).catch(() => null);
  await res?.arrayBuffer();
  return res?.status === 200;
}

describe("one service down does not take the others with it", () => {
  for (const victim of services) {
    test(`${victim} stopped: its route fails fast with a 503 problem, the others stay 100% successful`, async () => {
      const name = await instanceOf(victim);
      const load = startLoad(Object.values(routes), { intervalMs: 40 });
      await Bun.sleep(500);
      await stopProcess(name);
      await Bun.sleep(3_000);
      await startProcess(name);
      await eventually(() => routeServes(routes[victim]), { timeoutMs: 15_000 });
      await Bun.sleep(500);
      const samples = await load.stop();

      for (const other of services.filter((s) => s !== victim)) {
        const s = summarize(samples, routes[other]);
        expect(s.total).toBeGreaterThan(20);
        expect(s.failed).toEqual([]);
      }
      const hit = summarize(samples, routes[victim]);
      expect(hit.failed.length).toBeGreaterThan(0);
      for (const failure of hit.failed) {
        expect(failure.status).toBe(503);
        expect(failure.problem).toBe(true);
        expect(failure.ms).toBeLessThan(1_000);
      }
      expect(await routeServes(routes[victim])).toBe(true);
    }, 60_000);
  }

  for (const victim of services) {
    test(`${victim} SIGKILLed: the supervisor restarts it and it serves again; the others never notice`, async () => {
      const name = await instanceOf(victim);
      const before = await processStatus(name);
      const load = startLoad(Object.values(routes), { intervalMs: 40 });
      await Bun.sleep(300);
      await killProcess(name);
      await waitRestarted(name, before.restarts);
      await eventually(() => routeServes(routes[victim]), { timeoutMs: 15_000 });
      const samples = await load.stop();
      for (const other of services.filter((s) => s !== victim)) expect(summarize(samples, routes[other]).failed).toEqual([]);
      for (const failure of summarize(samples, routes[victim]).failed) {
        expect(failure.problem).toBe(true);
        expect(failure.ms).toBeLessThan(1_000);
      }
      const after = await processStatus(name);
      expect(after.pid).not.toBe(before.pid);
    }, 60_000);
  }
});
