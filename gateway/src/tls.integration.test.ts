import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { expectProblem, expectTraceId } from "./test-support/assertions.ts";
import { type Harness, startHarness } from "./test-support/harness.ts";

// The HTTPS door: the real Envoy serving a certificate from a local CA made for the test, beside
// the plain door. HSTS goes on every TLS answer (the services' and Envoy's own) and never on plain HTTP.

const HSTS_MAX_AGE = 31_536_000;
let gw: Harness;
let tls: NonNullable<Harness["tls"]>;

beforeAll(async () => {
  gw = await startHarness({ tls: { hstsMaxAgeSeconds: HSTS_MAX_AGE } });
  if (!gw.tls) throw new Error("the harness did not open the TLS door");
  tls = gw.tls;
});
afterAll(async () => {
  await gw?.stop();
});

const overTls = (path: string, init: RequestInit = {}) => fetch(tls.url + path, { ...init, tls: { ca: tls.ca } } as RequestInit);

describe("HTTPS", () => {
  test("a client trusting the local CA gets the API over TLS, with HSTS and x-trace-id", async () => {
    const response = await overTls("/postings");
    expect(response.status).toBe(200);
    expect(response.headers.get("strict-transport-security")).toBe(`max-age=${HSTS_MAX_AGE}`);
    expectTraceId(response);
    expect(((await response.json()) as { service: string }).service).toBe("postings");
  });

  test("the gateway's own problems over TLS carry HSTS too", async () => {
    const response = await overTls("/nope");
    expect(response.headers.get("strict-transport-security")).toBe(`max-age=${HSTS_MAX_AGE}`);
    await expectProblem(response, 404, "not-found");
  });

  test("a service cannot drop or weaken HSTS", async () => {
    gw.stubs.postings.responseHeaders = { "strict-transport-security": "max-age=0" };
    try {
      const response = await overTls("/postings");
      expect(response.headers.get("strict-transport-security")).toBe(`max-age=${HSTS_MAX_AGE}`);
      await response.body?.cancel();
    } finally {
      gw.stubs.postings.responseHeaders = {};
    }
  });

  test("the plain door answers without HSTS (it means nothing over HTTP)", async () => {
    const response = await fetch(`${gw.url}/postings`);
    expect(response.status).toBe(200);
    expect(response.headers.get("strict-transport-security")).toBeNull();
    await response.body?.cancel();
  });

  test("a client that does not trust the CA is refused (the certificate is really checked)", async () => {
    const failed = await fetch(`${tls.url}/postings`).then(
      () => null,
      (error: Error) => error,
    );
    expect(failed).toBeInstanceOf(Error);
  });

  test("the certificate names localhost; another name does not verify", async () => {
    const wrongName = tls.url.replace("localhost", "127.0.0.2");
    const failed = await fetch(`${wrongName}/postings`, { tls: { ca: tls.ca } } as RequestInit).then(
      () => null,
      (error: Error) => error,
    );
    expect(failed).toBeInstanceOf(Error);
  });

  test("TLS 1.1 and older are refused", async () => {
    const openssl = Bun.which("openssl") ?? "openssl";
    const port = new URL(tls.url).port;
    const proc = Bun.spawn([openssl, "s_client", "-connect", `127.0.0.1:${port}`, "-tls1_1", "-CAfile", tls.caPath], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    expect(await proc.exited).not.toBe(0);
    // The server's refusal (alert 70), not the client declining to try.
    expect(out + err).toContain("alert protocol version");
    expect(out).toContain("no peer certificate available");
  });
});
