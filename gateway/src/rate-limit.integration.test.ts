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
      // Out of the way here: the per-client share of the global limit has its own suites below.
      perClientIp: { maxTokens: 1_000, tokensPerFill: 1_000, fillIntervalMs: MINUTE },
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
const requestFrom = async (localAddress: string, url: string, method = "POST"): Promise<{ status: number }> => {
  const node = Bun.which("node");
  if (!node) throw new Error("node is required (the project's launcher runs on it) but is not on PATH");
  const script = `
    const req = require("node:http").request(process.argv[1], { method: process.argv[3], localAddress: process.argv[2],
      headers: { "content-type": "application/json" } }, (res) => { res.resume();
      res.on("end", () => console.log(JSON.stringify({ status: res.statusCode }))); });
    req.on("error", (e) => { console.error(e.message); process.exit(1); });
    req.end(process.argv[3] === "GET" ? undefined : "{}");`;
  const proc = Bun.spawn([node, "-e", script, url, localAddress, method], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`request from ${localAddress} failed: ${err}`);
  return JSON.parse(out) as { status: number };
};
const postFrom = (localAddress: string, path: string) => requestFrom(localAddress, gw.url + path);

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

describe("per client IP on every other route: one noisy client does not 429 everyone", () => {
  const PER_CLIENT = 4;
  let noisy: Harness;
  beforeAll(async () => {
    noisy = await startHarness({
      limits: testLimits({
        authPerClientIp: { maxTokens: 10, tokensPerFill: 1, fillIntervalMs: MINUTE },
        global: { maxTokens: 100, tokensPerFill: 100, fillIntervalMs: MINUTE },
        perClientIp: { maxTokens: PER_CLIENT, tokensPerFill: 1, fillIntervalMs: MINUTE },
      }),
    });
  });
  afterAll(async () => {
    await noisy?.stop();
  });

  test("a client that used up its own bucket gets 429s; another client still gets through", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_CLIENT + 2; i++) {
      const response = await fetch(`${noisy.url}/postings`);
      statuses.push(response.status);
      if (response.status === 429) await expectProblem(response, 429, "rate-limited");
      else await response.body?.cancel();
    }
    expect(statuses).toEqual([...Array(PER_CLIENT).fill(200), 429, 429]);
    expect((await requestFrom("127.0.0.2", `${noisy.url}/postings`, "GET")).status).toBe(200);
    expect((await requestFrom("127.0.0.3", `${noisy.url}/notice`, "GET")).status).toBe(200);
  });

  test("with no trusted proxy, x-forwarded-for does not buy a new bucket", async () => {
    const response = await fetch(`${noisy.url}/postings`, { headers: { "x-forwarded-for": "203.0.113.99" } });
    await expectProblem(response, 429, "rate-limited");
  });
});

describe("behind one trusted proxy: the limits key on the client x-forwarded-for names", () => {
  // The test process plays the load balancer: it connects from 127.0.0.1 and appends the real client.
  let behindLb: Harness;
  beforeAll(async () => {
    behindLb = await startHarness({
      trustedProxyHops: 1,
      limits: testLimits({
        authPerClientIp: { maxTokens: 2, tokensPerFill: 1, fillIntervalMs: MINUTE },
        global: { maxTokens: 100, tokensPerFill: 100, fillIntervalMs: MINUTE },
        perClientIp: { maxTokens: 3, tokensPerFill: 1, fillIntervalMs: MINUTE },
      }),
    });
  });
  afterAll(async () => {
    await behindLb?.stop();
  });

  const via = (client: string, path: string, method = "POST") =>
    fetch(behindLb.url + path, {
      method,
      headers: { "content-type": "application/json", "x-forwarded-for": client },
      body: method === "POST" ? "{}" : undefined,
    });

  test("two clients behind the same proxy get separate login buckets", async () => {
    expect((await via("198.51.100.1", "/login")).status).toBe(200);
    expect((await via("198.51.100.1", "/login")).status).toBe(200);
    await expectProblem(await via("198.51.100.1", "/login"), 429, "rate-limited");
    expect((await via("198.51.100.2", "/login")).status).toBe(200);
  });

  test("a client cannot pick its own address: only the proxy's hop counts", async () => {
    // The client sent "x-forwarded-for: 10.9.9.9"; the proxy appended the real one. Still 198.51.100.1.
    await expectProblem(await via("10.9.9.9, 198.51.100.1", "/login"), 429, "rate-limited");
  });

  test("the per-client share of the global limit follows the real client too", async () => {
    for (let i = 0; i < 3; i++) expect((await via("198.51.100.3", "/postings", "GET")).status).toBe(200);
    await expectProblem(await via("198.51.100.3", "/postings", "GET"), 429, "rate-limited");
    expect((await via("198.51.100.4", "/postings", "GET")).status).toBe(200);
  });

  test("the access log names the real client", async () => {
    const wanted = /"client":"198\.51\.100\.4"/;
    const deadline = Date.now() + 5_000;
    while (!wanted.test(await behindLb.accessLog()) && Date.now() < deadline) await Bun.sleep(100);
    expect(await behindLb.accessLog()).toMatch(wanted);
  });
});
