import { expect, test } from "bun:test";
import { sampleThreads, threadCpuBetween } from "./thread-stats.ts";

test("a busy thread's CPU is named and split into user and kernel time", async () => {
  // A shell that spins in user space, then one that spends its time in syscalls (reading /dev/zero).
  const spin = Bun.spawn(["sh", "-c", "while :; do :; done"]);
  const sys = Bun.spawn(["dd", "if=/dev/zero", "of=/dev/null", "bs=1"], { stderr: "ignore" });
  try {
    const before = sampleThreads([spin.pid, sys.pid]);
    expect([...before.values()].map((t) => t.pid)).toContain(spin.pid);
    const deadline = Date.now() + 30_000;
    let rows = threadCpuBetween(before, sampleThreads([spin.pid, sys.pid]));
    const total = (name: string) => rows.filter((r) => r.name === name).reduce((n, r) => n + r.userS + r.systemS, 0);
    while (Date.now() < deadline && (total("sh") < 0.3 || total("dd") < 0.3)) {
      await Bun.sleep(100);
      rows = threadCpuBetween(before, sampleThreads([spin.pid, sys.pid]));
    }
    const sh = rows.find((r) => r.name === "sh");
    const dd = rows.find((r) => r.name === "dd");
    expect(sh?.userS).toBeGreaterThan(sh?.systemS ?? Number.POSITIVE_INFINITY);
    expect(dd?.systemS).toBeGreaterThan(0.1);
  } finally {
    spin.kill();
    sys.kill();
  }
}, 40_000);

test("threads of processes that are gone are left out, not an error", () => {
  expect(sampleThreads([2 ** 30]).size).toBe(0);
});
