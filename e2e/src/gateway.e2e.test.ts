import { describe, expect, test } from "bun:test";
import { api, expectProblem, signUpAndLogin } from "./support/api.ts";
import { stack } from "./support/stack.ts";

describe("the gateway is the only door and speaks problem+json", () => {
  test("an unknown route is a 404 problem with x-trace-id", async () => {
    expectProblem(await api("GET", "/nope"), 404);
    expectProblem(await api("DELETE", "/postings"), 404);
  });

  test("service internals are not routed", async () => {
    expectProblem(await api("GET", "/healthz"), 404);
    expectProblem(await api("GET", "/openapi.json"), 404);
  });

  test("a forged token is refused at the edge", async () => {
    const user = await signUpAndLogin();
    const [h, p] = user.token.split(".");
    const payload = JSON.parse(Buffer.from(p as string, "base64url").toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: "admin" })).toString("base64url")}.${user.token.split(".")[2]}`;
    expectProblem(await api("GET", "/user", { token: tampered }), 401);
    expectProblem(await api("POST", "/notice", { token: tampered, json: { title: "x", body: "y" } }), 401);
  });

  test("a too-large body is a 413 problem", async () => {
    const user = await signUpAndLogin();
    const res = await api("POST", "/postings", { token: user.token, json: { title: "big", body: "x".repeat(2 * 1024 * 1024) } });
    expectProblem(res, 413);
  });

  test("every success carries x-trace-id too", async () => {
    const res = await api("GET", "/postings");
    expect(res.status).toBe(200);
    expect(res.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  test("client-sent identity headers never reach a service as truth", async () => {
    const res = await api("POST", "/postings", {
      json: { title: "x", body: "y" },
      headers: { "x-user-id": "admin", "x-user-role": "admin" },
    });
    expectProblem(res, 401);
  });

  test("services listen on loopback only; the gateway answers on its port", async () => {
    for (const url of [...stack.services.users, ...stack.services.postings, ...stack.services.notices]) {
      expect(new URL(url).hostname).toBe("127.0.0.1");
    }
  });
});
