import { describe, expect, test } from "bun:test";
import { control, currentStack, stack } from "../src/support/stack.ts";
import { startLoad } from "./support/load.ts";

type Report = { before: string[]; after: string[]; ms: number };

/** Requests Envoy sent to each upstream host of a cluster, from its admin stats. */
async function requestsPerHost(cluster: string): Promise<Map<string, number>> {
  const res = await fetch(`${stack.envoyAdminUrl}/clusters?format=json`);
  const body = (await res.json()) as {
    cluster_statuses: Array<{
      name: string;
      host_statuses?: Array<{ address: { socket_address: { port_value: number } }; stats: Array<{ name: string; value?: string }> }>;
    }>;
  };
  const hosts = body.cluster_statuses.find((c) => c.name === cluster)?.host_statuses ?? [];
  return new Map(
    hosts.map((h) => [String(h.address.socket_address.port_value), Number(h.stats.find((s) => s.name === "rq_total")?.value ?? 0)]),
  );
}

describe("independent deploy and scale-out", () => {
  for (const service of ["postings", "users", "notices"] as const) {
    test(`rolling deploy of ${service} under load: zero failed requests`, async () => {
      const route = { users: "/.well-known/jwks.json", postings: "/postings?limit=5", notices: "/notice" }[service];
      const load = startLoad([route, "/postings?limit=1", "/notice"], { intervalMs: 20 });
      await Bun.sleep(500);
      const report = (await control("POST", `/services/${service}/roll`)) as Report;
      await Bun.sleep(500);
      const samples = await load.stop();
      expect(report.after).not.toEqual(report.before);
      const failed = samples.filter((s) => s.status !== 200);
      expect(samples.length).toBeGreaterThan(100);
      expect(failed).toEqual([]);
    }, 120_000);
  }

  test("postings scaled to 2 instances: both take traffic, the others untouched", async () => {
    const usersBefore = currentStack().services.users;
    const report = (await control("POST", "/services/postings/scale?replicas=2")) as Report;
    expect(report.after.length).toBe(2);
    const before = await requestsPerHost("postings");
    const load = startLoad(["/postings?limit=5"], { intervalMs: 5 });
    await Bun.sleep(3_000);
    const samples = await load.stop();
    expect(samples.every((s) => s.status === 200)).toBe(true);
    const after = await requestsPerHost("postings");
    const ports = currentStack().services.postings.map((u) => new URL(u).port);
    expect(ports.length).toBe(2);
    for (const port of ports) expect((after.get(port) ?? 0) - (before.get(port) ?? 0)).toBeGreaterThan(5);
    expect(currentStack().services.users).toEqual(usersBefore);
    await control("POST", "/services/postings/scale?replicas=1");
  }, 60_000);
});
