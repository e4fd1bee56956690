import assert from "node:assert/strict";
import { startHarness } from "../test_support/harness.ts";
import { keysUnder } from "../test_support/redis.ts";

const at = (iso: string) => new Date(iso);

Deno.test("storage layout: a hash per notice plus the by-created index scored by creation time", async () => {
  await using h = await startHarness();
  const notice = await h.repository.create({ title: "t", body: "b" }, {
    id: "n1",
    now: at("2030-01-01T00:00:00.000Z"),
  });
  assert.deepEqual(await keysUnder(h.redis, h.keyPrefix), [
    `${h.keyPrefix}notice:n1`,
    `${h.keyPrefix}notices:by-created`,
  ]);
  assert.deepEqual({ ...await h.redis.hGetAll(`${h.keyPrefix}notice:n1`) }, { ...notice });
  assert.equal(await h.redis.zScore(`${h.keyPrefix}notices:by-created`, "n1"), Date.parse("2030-01-01T00:00:00.000Z"));
});

Deno.test("same-millisecond creations keep creation order; an earlier clock still lands newest", async () => {
  await using h = await startHarness();
  const now = at("2030-01-01T00:00:00.000Z");
  for (const id of ["a", "b", "c"]) await h.repository.create({ title: id, body: "b" }, { id, now });
  await h.repository.create({ title: "d", body: "b" }, { id: "d", now: at("2029-12-31T23:59:59.000Z") });
  assert.deepEqual((await h.repository.list(10)).map((n) => n.id), ["d", "c", "b", "a"]);
  assert.equal((await h.repository.get("d"))?.createdAt, "2029-12-31T23:59:59.000Z", "createdAt is the clock's");
});

Deno.test("update and remove of a missing notice write nothing", async () => {
  await using h = await startHarness();
  assert.equal(await h.repository.update("missing", { title: "t" }, new Date()), null);
  assert.equal(await h.repository.remove("missing"), false);
  assert.deepEqual(await keysUnder(h.redis, h.keyPrefix), []);
});

Deno.test("a taken id is refused, the existing notice kept", async () => {
  await using h = await startHarness();
  const first = await h.repository.create({ title: "first", body: "b" }, { id: "same", now: new Date() });
  await assert.rejects(() => h.repository.create({ title: "second", body: "b" }, { id: "same", now: new Date() }));
  assert.deepEqual(await h.repository.get("same"), first);
  assert.equal(await h.redis.zCard(`${h.keyPrefix}notices:by-created`), 1);
});

Deno.test("atomicity: concurrent creates, updates and deletes leave the index and the hashes in step", async () => {
  await using h = await startHarness();
  const ids = Array.from({ length: 60 }, (_, i) => `c${i}`);
  await Promise.all(ids.map((id) => h.repository.create({ title: id, body: "b" }, { id, now: new Date() })));
  await Promise.all(
    ids.flatMap((id, i) => [
      i % 3 === 0 ? h.repository.remove(id) : h.repository.update(id, { body: "changed" }, new Date()),
      h.repository.remove(id).then(() => h.repository.update(id, { title: "too late" }, new Date())),
    ]).slice(0, 90),
  );
  const indexed = (await h.redis.zRange(`${h.keyPrefix}notices:by-created`, 0, -1)).sort();
  const hashes = (await keysUnder(h.redis, `${h.keyPrefix}notice:`)).map((k) => k.slice(`${h.keyPrefix}notice:`.length))
    .sort();
  assert.deepEqual(indexed, hashes, "every indexed id has its hash and every hash is indexed");
  for (const notice of await h.repository.list(100)) {
    assert.deepEqual(Object.keys(notice).sort(), ["body", "createdAt", "id", "title", "updatedAt"]);
  }
});

Deno.test("the scripts survive a SCRIPT FLUSH (EVALSHA falls back to EVAL)", async () => {
  await using h = await startHarness();
  await h.repository.create({ title: "t", body: "b" }, { id: "x", now: new Date() });
  await h.redis.scriptFlush();
  assert.equal((await h.repository.list(5)).length, 1);
  assert.equal((await h.repository.update("x", { title: "u" }, new Date()))?.title, "u");
  assert.equal(await h.repository.remove("x"), true);
});
