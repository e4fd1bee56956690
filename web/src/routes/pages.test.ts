import { beforeAll, describe, expect, test } from "bun:test";
import type { Hono } from "hono";
import { testApp } from "../test-support/harness.ts";

let app: Hono;
beforeAll(async () => {
  app = await testApp({ usersUrl: "http://127.0.0.1:9" });
});

const assetsOf = (html: string) => [...html.matchAll(/\/assets\/([\w.-]+)/g)].map((m) => m[1] as string);

describe("GET /", () => {
  test("the page shell: this origin's hashed script and stylesheet, nothing from elsewhere", async () => {
    const response = await app.request("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    const assets = assetsOf(html);
    expect(assets).toHaveLength(2);
    expect(assets.filter((a) => /^main-\w+\.css$/.test(a))).toHaveLength(1);
    expect(assets.filter((a) => /^main-\w+\.js$/.test(a))).toHaveLength(1);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>/);
  });
});

describe("GET /assets/{file}", () => {
  test("served gzipped when the browser accepts it, cached for good, and 304 on a matching etag", async () => {
    const [script] = assetsOf(await (await app.request("/")).text()).filter((a) => a.endsWith(".js"));
    const plain = await app.request(`/assets/${script}`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const body = await plain.arrayBuffer();
    const zipped = await app.request(`/assets/${script}`, { headers: { "accept-encoding": "gzip, br" } });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    const zippedBytes = new Uint8Array(await zipped.arrayBuffer());
    expect(zippedBytes.length).toBeLessThan(body.byteLength / 2);
    expect(Bun.gunzipSync(zippedBytes)).toEqual(new Uint8Array(body));
    const again = await app.request(`/assets/${script}`, { headers: { "if-none-match": plain.headers.get("etag") ?? "" } });
    expect(again.status).toBe(304);
  });

  test("an unknown asset is a 404 problem", async () => {
    const response = await app.request("/assets/nope.js");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toStartWith("application/problem+json");
  });
});

describe("health", () => {
  test("/healthz and /livez answer 200 without any store", async () => {
    expect((await app.request("/healthz")).status).toBe(200);
    expect((await app.request("/livez")).status).toBe(200);
  });
});
