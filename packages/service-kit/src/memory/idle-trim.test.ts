import { describe, expect, test } from "bun:test";
import { DEFAULT_IDLE_TRIM, IdleTrimmer, trimWhenIdle } from "./idle-trim.ts";

const policy = { quietForMs: 10_000, quietShare: 0.1, minWorkMs: 3_000 };

/** Feeds one observation a second; `shares` is the CPU share of one core in each second. Returns the seconds at which it trimmed. */
function run(shares: number[], trimmer = new IdleTrimmer(policy)): number[] {
  const trims: number[] = [];
  let cpu = 0;
  trimmer.observe(0, cpu);
  shares.forEach((share, i) => {
    cpu += share * 1_000;
    if (trimmer.observe((i + 1) * 1_000, cpu)) trims.push(i + 1);
  });
  return trims;
}

const busy = (seconds: number) => Array<number>(seconds).fill(1);
const quiet = (seconds: number, share = 0.03) => Array<number>(seconds).fill(share);

describe("IdleTrimmer", () => {
  test("trims once, when a burst of work is followed by quietForMs of quiet", () => {
    expect(run([...busy(5), ...quiet(30)])).toEqual([15]);
  });

  test("never while busy, however long", () => {
    expect(run(busy(120))).toEqual([]);
  });

  test("not after too little work: a trickle of requests never pays for recompiling", () => {
    expect(run([...busy(2), ...quiet(30), ...busy(0), 0.5, ...quiet(30)])).toEqual([]);
  });

  test("work adds up across short bursts until it is worth a trim", () => {
    expect(run([...busy(2), ...quiet(5), ...busy(2), ...quiet(12)])).toEqual([19]);
  });

  test("a busy second restarts the quiet spell", () => {
    expect(run([...busy(4), ...quiet(9), 0.5, ...quiet(9), ...quiet(1)])).toEqual([24]);
  });

  test("once per quiet spell, again after the next burst", () => {
    expect(run([...busy(4), ...quiet(40), ...busy(4), ...quiet(20)])).toEqual([14, 58]);
  });

  test("the idle pollers' own CPU (a few % of a core) counts as quiet", () => {
    expect(run([...busy(4), ...quiet(11, 0.09)])).toEqual([14]);
  });

  test("afterStart: the first quiet spell after start trims without work, later ones only after work", () => {
    const trimmer = new IdleTrimmer({ ...policy, afterStart: true });
    expect(run([...quiet(12), 0.5, ...quiet(12), ...busy(4), ...quiet(10)], trimmer)).toEqual([10, 39]);
  });

  test("the default policy trims after start", () => {
    expect(DEFAULT_IDLE_TRIM.afterStart).toBe(true);
  });
});

describe("trimWhenIdle", () => {
  test("calls the trim on the timer once the process is quiet after work", async () => {
    let cpu = 0;
    const trimmed = Promise.withResolvers<void>();
    const stop = trimWhenIdle({
      policy: { quietForMs: 20, quietShare: 0.1, minWorkMs: 100 },
      checkEveryMs: 5,
      // One burst of 200 ms of CPU, then none.
      cpuMs: () => {
        const now = cpu;
        cpu = 200;
        return now;
      },
      trim: () => trimmed.resolve(),
    });
    await trimmed.promise;
    stop();
  });

  test("this Bun has the trim it relies on (Bun.shrink): an upgrade that drops it fails here, not silently", () => {
    expect(typeof (Bun as unknown as { shrink?: unknown }).shrink).toBe("function");
  });

  test("gives the memory of a burst back: a child's PSS after the trim is well under what the burst left (Linux)", async () => {
    // The trim on a short policy, then the burst: distinct functions compiled and run hot, garbage
    // made and dropped — what a load run leaves in a service. Then quiet.
    const script = `
      import { trimWhenIdle } from ${JSON.stringify(`${import.meta.dir}/idle-trim.ts`)};
      const pssMiB = async () => Number(/^Pss:\\s+(\\d+)/m.exec(await Bun.file("/proc/self/smaps_rollup").text())?.[1]) / 1024;
      // What a service's listening socket does: keep the event loop running (the trim's timer never does).
      const alive = setInterval(() => {}, 1_000);
      const trimmed = Promise.withResolvers();
      trimWhenIdle({ policy: { quietForMs: 200, quietShare: 0.05, minWorkMs: 100 }, checkEveryMs: 50, onTrim: () => trimmed.resolve() });
      let keep = [];
      for (let i = 0; i < 1500; i++) {
        const f = new Function("n", "let s = " + i + "; for (let k = 0; k < n; k++) s += (k * " + i + ") % 7; return { s, t: 'x'.repeat(" + (i % 50) + ") };");
        for (let j = 0; j < 100; j++) keep.push(f(50));
        if (keep.length > 100000) keep = [];
      }
      keep = [];
      Bun.gc(true);
      const afterBurst = await pssMiB();
      await trimmed.promise;
      // Bun.shrink works the next time the VM is idle: wait for its effect, up to 10 s.
      const deadline = Date.now() + 10_000;
      let now = await pssMiB();
      while (now > afterBurst / 2 && Date.now() < deadline) { await Bun.sleep(50); now = await pssMiB(); }
      console.log(JSON.stringify({ afterBurst, afterTrim: now }));
      clearInterval(alive);
    `;
    const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "inherit" });
    const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    expect(code).toBe(0);
    const { afterBurst, afterTrim } = JSON.parse(out) as { afterBurst: number; afterTrim: number };
    // Measured: ~55 MiB after the burst (a full collection alone keeps it), ~14 MiB after the trim.
    expect(afterBurst).toBeGreaterThan(35);
    expect(afterTrim).toBeLessThan(afterBurst / 2);
  }, 90_000);

  test("never keeps a process alive: a script that starts it exits on its own", async () => {
    const script = `import { trimWhenIdle } from ${JSON.stringify(`${import.meta.dir}/idle-trim.ts`)}; trimWhenIdle(); console.log("done");`;
    const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
    const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    expect({ out: out.trim(), code }).toEqual({ out: "done", code: 0 });
  });
});
