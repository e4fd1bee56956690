import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { expectProblem, expectTraceId } from "./test-support/assertions.ts";
import { type Harness, startHarness, testLimits } from "./test-support/harness.ts";

// Tiny limits so they trip in a few requests: 3 per client IP on the password routes, 6 for the
// whole gateway elsewhere, neither refilling during the test.

const PER_IP = 3;
const GLOBAL = 6;
const MINUTE = 60_000;

let gw: Harness;

beforeAll(async () => {
  gw = await startHarness({
    limits: testLimits({
      authPerClientIp: { maxTokens: PER_IP, tokensPerFill: 1, fillIntervalMs: MINUTE },
      global: { maxTokens: GLOBAL, tokensPerFill: GLOBAL, fillIntervalMs: MINUTE },
    }),
  });
});
afterAll(async () => {
  await gw?.stop();
});

const post = (path: string) => fetch(gw.url + path, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });

/**
 * The same request from another loopback address, i.e. another client IP. Bun ignores
 * `localAddress`, so plain Node (which the project requires anyway) sends it.
 */
const postFrom = async (localAddress: string, path: string): Promise<{ status: number }> => {
  const node = Bun.which("node");
  if (!node) throw new Error("node is required (the project's launcher runs on it) but is not on PATH");
  const script = `
    const req = require("node:http").request(process.argv[1], { method: "POST", localAddress: process.argv[2],
      headers: { "content-type": "application/json" } }, (res) => { res.resume();
      res.on("end", () => console.log(JSON.stringify({ status: res.statusCode }))); });
    req.on("error", (e) => { console.error(e.message); process.exit(1); });
    req.end("{}");`;
  const proc = Bun.spawn([node, "-e", script, gw.url + path, localAddress], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`request from ${localAddress} failed: ${err}`);
  return JSON.parse(out) as { status: number };
};

describe("per client IP on the password routes", () => {
  test("POST /login: the first requests pass, then 429 problem with retry-after", async () => {
    for (let i = 0; i < PER_IP; i++) expect((await post("/login")).status).toBe(200);
    const before = gw.stubs.users.seen.length;
    const limited = await post("/login");
    await expectProblem(limited, 429, "rate-limited");
    expect(Number(limited.headers.get("retry-after"))).toBe(60);
    expect(gw.stubs.users.seen.length).toBe(before);
  });

  test("POST /users has its own bucket per IP, just as strict", async () => {
    for (let i = 0; i < PER_IP; i++) expect((await post("/users")).status).toBe(200);
    await expectProblem(await post("/users"), 429, "rate-limited");
  });

  test("another client IP is not affected", async () => {
    const response = await postFrom("127.0.0.2", "/login");
    expect(response.status).toBe(200);
  });

  test("x-forwarded-for does not buy a new bucket", async () => {
    const response = await fetch(`${gw.url}/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "198.51.100.7" },
      body: "{}",
    });
    await expectProblem(response, 429, "rate-limited");
  });
});

describe("global limit elsewhere", () => {
  test("GET /postings passes until the shared bucket is empty, then 429 problem", async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < GLOBAL + 2 && !limited; i++) {
      const response = await fetch(`${gw.url}/postings`);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.body?.cancel();
    }
    expect(statuses.slice(0, GLOBAL).every((s) => s === 200)).toBe(true);
    expect(limited).toBeDefined();
    await expectProblem(limited as Response, 429, "rate-limited");
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expectTraceId(limited as Response);
  });
});
