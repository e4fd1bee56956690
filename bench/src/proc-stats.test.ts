import { expect, test } from "bun:test";
import { clockTicksPerSecond, cpuSecondsBetween, ownCpuSeconds, ownPssKib, sampleTrees } from "./proc-stats.ts";

test("a process tree's CPU and memory include its children, read from /proc", async () => {
  // A shell whose child burns CPU for a moment: the time must show up under the shell's tree.
  const child = Bun.spawn(["sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; sleep 30"]);
  try {
    const before = sampleTrees({ burner: child.pid, nobody: 2 ** 30 });
    expect(before.burner?.pids).toContain(child.pid);
    expect(before.nobody).toBeUndefined();
    const deadline = Date.now() + 20_000;
    let used = 0;
    while (Date.now() < deadline && used < 0.2) {
      await Bun.sleep(100);
      used = cpuSecondsBetween(before, sampleTrees({ burner: child.pid })).burner ?? 0;
    }
    expect(used).toBeGreaterThanOrEqual(0.2);
    expect(sampleTrees({ burner: child.pid }).burner?.pssKib).toBeGreaterThan(0);
  } finally {
    child.kill();
  }
});

test("clock ticks per second is the kernel's USER_HZ", () => {
  expect(clockTicksPerSecond()).toBeGreaterThan(0);
});

test("this process's own CPU counts its work, and its PSS is read", () => {
  // Burn until the counter moves by 0.1 s (a busy shared machine only slows this down), bounded by 20 s.
  const before = ownCpuSeconds();
  const deadline = performance.now() + 20_000;
  let x = 0;
  while (ownCpuSeconds() - before < 0.1 && performance.now() < deadline) for (let i = 0; i < 100_000; i++) x += Math.sqrt(i);
  expect(x).toBeGreaterThan(0);
  expect(ownCpuSeconds() - before).toBeGreaterThanOrEqual(0.1);
  expect(ownPssKib()).toBeGreaterThan(1024);
});
