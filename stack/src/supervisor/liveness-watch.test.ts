import { expect, test } from "bun:test";
import { httpHealth } from "./health.ts";
import { LivenessWatch } from "./liveness-watch.ts";

/** A real HTTP /livez whose answer the test flips. */
function fakeService() {
  let status = 200;
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response(null, { status }) });
  return { url: `http://127.0.0.1:${server.port}/livez`, set: (s: number) => (status = s), stop: () => server.stop(true) };
}

test("restarts only after several failed checks in a row, and only while the process is running", async () => {
  const service = fakeService();
  const restarts: string[] = [];
  let running = true;
  const watch = new LivenessWatch({
    check: httpHealth(service.url, { timeoutMs: 500 }),
    active: () => running,
    restart: (reason) => restarts.push(reason),
    failuresToRestart: 3,
  });
  try {
    for (let i = 0; i < 5; i++) await watch.tick();
    expect(restarts).toEqual([]);

    service.set(503);
    await watch.tick();
    await watch.tick();
    service.set(200); // one good answer resets the count
    await watch.tick();
    service.set(503);
    await watch.tick();
    await watch.tick();
    expect(restarts).toEqual([]);
    await watch.tick();
    expect(restarts).toEqual(["not live: 3 liveness checks failed in a row"]);

    running = false; // starting, stopping or restarting: never judged
    for (let i = 0; i < 5; i++) await watch.tick();
    expect(restarts).toHaveLength(1);
  } finally {
    service.stop();
  }
});

test("a process that does not answer at all (frozen) counts as not live", async () => {
  const restarts: string[] = [];
  const watch = new LivenessWatch({
    check: httpHealth("http://127.0.0.1:1/livez", { timeoutMs: 200 }),
    active: () => true,
    restart: (reason) => restarts.push(reason),
    failuresToRestart: 2,
  });
  await watch.tick();
  await watch.tick();
  expect(restarts).toHaveLength(1);
});
