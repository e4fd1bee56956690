import { expect, test } from "bun:test";
import { answer, expectProblem } from "../problem.ts";
import type { Target } from "../target.ts";

/** Readiness follows the stores; liveness does not (restarting would not bring a store back). */
export function healthRules(target: Target): void {
  test("with its stores up: /healthz 200, /livez 200", async () => {
    expect((await answer(target.app.request("/healthz"))).status).toBe(200);
    expect((await answer(target.app.request("/livez"))).status).toBe(200);
  });

  test("with its store refusing connections: /healthz 503 problem, /livez still 200, reads 503 problem (not 500)", async () => {
    const down = await target.storeDown();
    try {
      expectProblem(await answer(down.request("/healthz")), 503, "unavailable", "/healthz");
      expect((await answer(down.request("/livez"))).status).toBe(200);
      const read = { users: ["/login", "POST"], postings: ["/postings", "GET"], notices: ["/notice", "GET"] }[target.name];
      const [path, method] = read as [string, string];
      const body = target.validBodies[`${method} ${path}`];
      const res = await answer(
        down.request(path, { method, ...(body ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}) }),
      );
      expectProblem(res, 503, "unavailable", `${method} ${path}`);
    } finally {
      await down.close();
    }
  });
}
