import { afterAll, expect, test } from "bun:test";
import { parseWrk } from "./paths.ts";

const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("ok") });
afterAll(() => server.stop(true));

test("wrk's own summary of a real run is read: requests done and the rate", async () => {
  const wrk = Bun.which("wrk");
  if (!wrk) throw new Error("wrk is not installed: `apt-get install wrk` (Debian), or run `npm run bench` once, which installs it");
  const child = Bun.spawn([wrk, "-t1", "-c2", "-d1s", `http://127.0.0.1:${server.port}/`], { stdout: "pipe" });
  const output = await new Response(child.stdout).text();
  expect(await child.exited).toBe(0);
  const { requests, requestsPerSecond } = parseWrk(output);
  expect(requests).toBeGreaterThan(10);
  // The rate wrk prints is requests over its measured duration (~1 s).
  expect(requestsPerSecond).toBeGreaterThan(requests / 2);
  expect(requestsPerSecond).toBeLessThan(requests * 2);
  expect(() => parseWrk("garbage")).toThrow(/unexpected wrk output/);
});
