import assert from "node:assert/strict";

// `deno task test` runs the suite through with_test_redis.ts; here it runs a probe instead, which
// reports the Redis it was given.
const launcher = decodeURIComponent(new URL("./with_test_redis.ts", import.meta.url).pathname);
const probe = `
  const url = new URL(Deno.env.get("TEST_REDIS_URL") ?? "");
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  await conn.write(new TextEncoder().encode("PING\\r\\n"));
  const buf = new Uint8Array(64);
  const n = await conn.read(buf);
  conn.close();
  console.log(JSON.stringify({ url: url.toString(), reply: new TextDecoder().decode(buf.subarray(0, n ?? 0)) }));
`;

async function launch(testRedisUrl: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env=TEST_REDIS_URL", "--allow-run", "--allow-net", launcher, "eval", probe],
    env: { TEST_REDIS_URL: testRedisUrl },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout), stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("without TEST_REDIS_URL the run gets a throw-away Redis, and it is gone when the run ends", async () => {
  const run = await launch("");
  assert.equal(run.code, 0, run.stderr);
  const seen = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}");
  assert.equal(seen.reply, "+PONG\r\n");
  const port = Number(new URL(seen.url).port);
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }), "nothing listens there any more");
});

Deno.test("a TEST_REDIS_URL where nothing answers fails the run once, before it starts, saying what to do", async () => {
  const run = await launch("redis://:secret@127.0.0.1:1");
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "", "the probe never ran");
  assert.equal(
    run.stderr.match(/✗ services\/notices: TEST_REDIS_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:1 is set/g)?.length,
    1,
  );
  assert.match(run.stderr, /unset TEST_REDIS_URL and the run starts a throw-away one/);
  assert.doesNotMatch(run.stderr, /secret/);
});
