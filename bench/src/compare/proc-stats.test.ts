import { expect, test } from "bun:test";
import { clockTicksPerSecond, cpuSecondsBetween, sampleTrees } from "./proc-stats.ts";

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
