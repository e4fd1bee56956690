import assert from "node:assert/strict";
import { assertProblem } from "../test_support/assertions.ts";
import { MAX_BODY_BYTES } from "../notices/notice.ts";
import { createNotice, startHarness } from "../test_support/harness.ts";
import { keysUnder } from "../test_support/redis.ts";

Deno.test("GET /notice/{id} of an unknown or impossible id: 404 problem", async () => {
  await using h = await startHarness();
  assertProblem(await h.request("GET", `/notice/${crypto.randomUUID()}`), 404, "not-found");
  assertProblem(await h.request("GET", `/notice/${"x".repeat(300)}`), 404, "not-found");
  assertProblem(await h.request("GET", "/notice/%E2%9C%93%20*"), 404, "not-found");
});

Deno.test("PATCH and DELETE of an unknown id: 404 problem, nothing written", async () => {
  await using h = await startHarness();
  const token = await h.adminToken();
  const id = crypto.randomUUID();
  assertProblem(await h.request("PATCH", `/notice/${id}`, { token, json: { title: "t" } }), 404, "not-found");
  assertProblem(await h.request("DELETE", `/notice/${id}`, { token }), 404, "not-found");
  assertProblem(await h.request("DELETE", `/notice/${"%2F".repeat(40)}`, { token }), 404, "not-found");
  assert.deepEqual(await keysUnder(h.redis, h.keyPrefix), []);
});

Deno.test("unknown routes: 404 problem; undeclared methods: 405 problem with Allow", async () => {
  await using h = await startHarness();
  assertProblem(await h.request("GET", "/notices"), 404, "not-found");
  const put = await h.request("PUT", "/notice");
  assertProblem(put, 405, "method-not-allowed");
  assert.equal(put.headers.get("allow"), "GET, HEAD, POST");
  const post = await h.request("POST", "/notice/some-id");
  assertProblem(post, 405, "method-not-allowed");
  assert.equal(post.headers.get("allow"), "DELETE, GET, HEAD, PATCH");
});

const badBodies: [string, unknown, string][] = [
  ["empty title", { title: "", body: "b" }, "title"],
  ["blank title", { title: "   ", body: "b" }, "title"],
  ["title over 200 characters", { title: "t".repeat(201), body: "b" }, "title"],
  ["empty body", { title: "t", body: "" }, "body"],
  ["body over 10000 characters", { title: "t", body: "b".repeat(10_001) }, "body"],
  ["missing title", { body: "b" }, "title"],
  ["title not a string", { title: 42, body: "b" }, "title"],
  ["unknown field", { title: "t", body: "b", pinned: true }, "(root)"],
  ["an array", [{ title: "t", body: "b" }], "(root)"],
  ["null", null, "(root)"],
];

for (const [name, json, path] of badBodies) {
  Deno.test(`POST /notice with ${name}: 400 validation problem naming ${path}`, async () => {
    await using h = await startHarness();
    const res = await h.request("POST", "/notice", { token: await h.adminToken(), json });
    assertProblem(res, 400, "validation");
    assert.ok(Array.isArray(res.body.errors) && res.body.errors.length > 0, res.text);
    assert.ok(res.body.errors.some((e: { path: string }) => e.path === path), res.text);
    for (const e of res.body.errors) assert.equal(typeof e.message, "string");
    assert.deepEqual(await keysUnder(h.redis, h.keyPrefix), []);
  });
}

Deno.test("POST /notice at the bounds: 200-character title, 10000-character body are fine", async () => {
  await using h = await startHarness();
  const res = await h.request("POST", "/notice", {
    token: await h.adminToken(),
    json: { title: "t".repeat(200), body: "b".repeat(10_000) },
  });
  assert.equal(res.status, 201);
});

Deno.test("PATCH /notice/{id} with an empty, unknown-field or invalid patch: 400, notice unchanged", async () => {
  await using h = await startHarness();
  const created = await createNotice(h);
  const token = await h.adminToken();
  for (const json of [{}, { title: "" }, { body: "b".repeat(10_001) }, { title: "t", author: "me" }, { title: null }]) {
    assertProblem(await h.request("PATCH", `/notice/${created.id}`, { token, json }), 400, "validation");
  }
  assert.deepEqual((await h.request("GET", `/notice/${created.id}`)).body, created);
});

Deno.test("malformed JSON: 400 problem, not a 500", async () => {
  await using h = await startHarness();
  const token = await h.adminToken();
  const headers = { "content-type": "application/json" };
  for (const body of ["nope", '{"title": ', "", "{'title':'t'}"]) {
    const res = await h.request("POST", "/notice", { token, body, headers });
    assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.text}`);
    assert.equal(res.headers.get("content-type"), "application/problem+json");
  }
  const created = await createNotice(h);
  assertProblem(
    await h.request("PATCH", `/notice/${created.id}`, { token, body: "{oops", headers }),
    400,
    "malformed-request",
  );
});

Deno.test("a body that is not JSON: 415 problem", async () => {
  await using h = await startHarness();
  const token = await h.adminToken();
  const form = await h.request("POST", "/notice", {
    token,
    body: "title=t&body=b",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assertProblem(form, 415, "unsupported-media-type");
  assertProblem(
    await h.request("POST", "/notice", { token, body: '{"title":"t","body":"b"}' }),
    415,
    "unsupported-media-type",
  );
  const created = await createNotice(h);
  const text = await h.request("PATCH", `/notice/${created.id}`, {
    token,
    body: '{"title":"t"}',
    headers: { "content-type": "text/plain" },
  });
  assertProblem(text, 415, "unsupported-media-type");
  const charset = await h.request("POST", "/notice", {
    token,
    body: '{"title":"t","body":"b"}',
    headers: { "content-type": "application/json; charset=utf-8" },
  });
  assert.equal(charset.status, 201);
});

Deno.test("a body over the bound (room for the longest notice, however escaped): 413 problem, with or without Content-Length", async () => {
  await using h = await startHarness();
  const token = await h.adminToken();
  const big = JSON.stringify({ title: "t", body: "b".repeat(MAX_BODY_BYTES) });
  const declared = await h.request("POST", "/notice", {
    token,
    body: big,
    headers: { "content-type": "application/json", "content-length": String(big.length) },
  });
  assertProblem(declared, 413, "payload-too-large");
  const streamed = await h.request("POST", "/notice", {
    token,
    body: new Blob([big]).stream(),
    headers: { "content-type": "application/json" },
  });
  assertProblem(streamed, 413, "payload-too-large");
  assert.deepEqual(await keysUnder(h.redis, h.keyPrefix), []);
});

Deno.test("GET /notice with a bad limit: 400 validation problem", async () => {
  await using h = await startHarness();
  for (const limit of ["0", "101", "-1", "abc", "1.5"]) {
    const res = await h.request("GET", `/notice?limit=${limit}`);
    assertProblem(res, 400, "validation");
    assert.equal(res.body.errors[0].path, "limit");
  }
});

Deno.test("an unexpected error: generic 500 problem, details only in the server log (with trace id)", async () => {
  await using h = await startHarness({
    wrapRepository: (repo) => ({
      ...repo,
      list: () => Promise.reject(new Error("secret internal detail at /srv/db.ts:12:5")),
    }),
  });
  const res = await h.request("GET", "/notice");
  assertProblem(res, 500, "internal");
  assert.doesNotMatch(res.text, /secret internal detail/);
  const line = h.logs.find((l) => l.msg === "unhandled error");
  assert.ok(line, "the error is logged");
  assert.equal(line.level, "error");
  assert.match(String(line.traceId), /^[0-9a-f]{32}$/);
  assert.match(JSON.stringify(line.err), /secret internal detail/);
  assert.ok(res.body.detail.includes(line.traceId as string), "the answer quotes the trace id");
});
