import assert from "node:assert/strict";
import { createNotice, startHarness } from "../test_support/harness.ts";

const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

Deno.test("POST /notice: an admin publishes a notice (201, the notice, Location)", async () => {
  await using h = await startHarness();
  const res = await h.request("POST", "/notice", {
    token: await h.adminToken(),
    json: { title: "  Maintenance  ", body: "Sunday 02:00 UTC" },
  });
  assert.equal(res.status, 201);
  assert.deepEqual(Object.keys(res.body).sort(), ["body", "createdAt", "id", "title", "updatedAt"]);
  assert.equal(res.body.title, "Maintenance", "title is trimmed");
  assert.equal(res.body.body, "Sunday 02:00 UTC");
  assert.match(res.body.id, /^[0-9a-f-]{36}$/);
  assert.match(res.body.createdAt, iso);
  assert.equal(res.body.updatedAt, res.body.createdAt);
  assert.equal(res.headers.get("location"), `/notice/${res.body.id}`);
  assert.equal(res.headers.get("content-type"), "application/json");
});

Deno.test("GET /notice/{id}: anyone reads one notice", async () => {
  await using h = await startHarness();
  const created = await createNotice(h, "Welcome", "Hello board");
  const res = await h.request("GET", `/notice/${created.id}`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, created);
});

Deno.test("GET /notice: {items} newest first, also within one millisecond", async () => {
  const fixed = new Date("2030-01-01T00:00:00.000Z");
  await using h = await startHarness({ clock: () => fixed });
  const empty = await h.request("GET", "/notice");
  assert.equal(empty.status, 200);
  assert.deepEqual(empty.body, { items: [] });
  const first = await createNotice(h, "first");
  const second = await createNotice(h, "second");
  const third = await createNotice(h, "third");
  const res = await h.request("GET", "/notice");
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.items.map((n: { id: string }) => n.id), [third.id, second.id, first.id]);
  assert.deepEqual(res.body.items[2], first);
});

Deno.test("GET /notice?limit=: the newest N, default 50, at most 100", async () => {
  let now = Date.parse("2030-01-01T00:00:00.000Z");
  await using h = await startHarness({ clock: () => new Date(now++) });
  for (let i = 0; i < 55; i++) {
    await h.repository.create({ title: `n${i}`, body: "b" }, { id: `id-${i}`, now: new Date(now++) });
  }
  const two = await h.request("GET", "/notice?limit=2");
  assert.deepEqual(two.body.items.map((n: { title: string }) => n.title), ["n54", "n53"]);
  const byDefault = await h.request("GET", "/notice");
  assert.equal(byDefault.body.items.length, 50);
  assert.equal(byDefault.body.items[49].title, "n5");
  const max = await h.request("GET", "/notice?limit=100");
  assert.equal(max.body.items.length, 55);
});

Deno.test("PATCH /notice/{id}: an admin changes the title and/or body; updatedAt moves", async () => {
  let now = Date.parse("2030-01-01T00:00:00.000Z");
  await using h = await startHarness({ clock: () => new Date(now) });
  const created = await createNotice(h, "Maintenance", "Sunday 02:00");
  now += 60_000;
  const token = await h.adminToken();
  const bodyOnly = await h.request("PATCH", `/notice/${created.id}`, { token, json: { body: "Sunday 03:00" } });
  assert.equal(bodyOnly.status, 200);
  assert.deepEqual(bodyOnly.body, {
    ...created,
    body: "Sunday 03:00",
    updatedAt: "2030-01-01T00:01:00.000Z",
  });
  const both = await h.request("PATCH", `/notice/${created.id}`, { token, json: { title: " New ", body: "B" } });
  assert.equal(both.status, 200);
  assert.equal(both.body.title, "New");
  assert.equal(both.body.body, "B");
  assert.equal(both.body.createdAt, created.createdAt);
  assert.deepEqual((await h.request("GET", `/notice/${created.id}`)).body, both.body);
});

Deno.test("DELETE /notice/{id}: an admin removes a notice (204), then it is gone", async () => {
  await using h = await startHarness();
  const keep = await createNotice(h, "keep");
  const gone = await createNotice(h, "gone");
  const res = await h.request("DELETE", `/notice/${gone.id}`, { token: await h.adminToken() });
  assert.equal(res.status, 204);
  assert.equal(res.text, "");
  assert.equal((await h.request("GET", `/notice/${gone.id}`)).status, 404);
  assert.deepEqual((await h.request("GET", "/notice")).body.items.map((n: { id: string }) => n.id), [keep.id]);
});

Deno.test("GET /healthz: 200 with the Redis check when Redis answers PING", async () => {
  await using h = await startHarness();
  const res = await h.request("GET", "/healthz");
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { status: "ok", checks: { redis: "ok" } });
});

Deno.test("GET /openapi.json: an OpenAPI 3.1 document of every route", async () => {
  await using h = await startHarness();
  const res = await h.request("GET", "/openapi.json");
  assert.equal(res.status, 200);
  assert.equal(res.body.openapi, "3.1.0");
  assert.deepEqual(Object.keys(res.body.paths).sort(), ["/healthz", "/livez", "/notice", "/notice/{id}"]);
  assert.deepEqual(Object.keys(res.body.paths["/notice/{id}"]).sort(), ["delete", "get", "patch"]);
  assert.deepEqual(res.body.paths["/notice"].post.security, [{ bearerAuth: [] }]);
  assert.equal(res.body.components.securitySchemes.bearerAuth.scheme, "bearer");
  assert.ok(res.body.components.schemas.Notice);
});
