import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createToolContext, ensurePerf } from "@msa-board/stack/tools";
import { parsePerfScript, placeOf, profileDuring, sharesBy, summarize } from "./perf-profile.ts";
import { clockTicksPerSecond } from "./proc-stats.ts";

const K = "[kernel.kallsyms]";
const frames = (...chain: Array<[string, string]>) => chain.map(([sym, dso]) => ({ sym, dso }));

// The shape `perf script -F comm,tid,ip,sym,dso` prints: a header, frames innermost first, a blank line.
const SCRIPT = `wrk:worker_0 4242 
\tffffffff81b2 tcp_v4_rcv+0x12 ([kernel.kallsyms])
\tffffffff81b3 __netif_receive_skb+0x1 ([kernel.kallsyms])
\tffffffff81b4 tcp_sendmsg+0x40 ([kernel.kallsyms])
\tffffffff81b5 do_writev+0x9 ([kernel.kallsyms])
\tffffffff81b6 do_syscall_64+0x5 ([kernel.kallsyms])
\tffffffff81b7 entry_SYSCALL_64_after_hwframe+0x6e ([kernel.kallsyms])
\t          f82ad writev+0x1d (/usr/lib/x86_64-linux-gnu/libc.so.6)

wrk:worker_0 4242 
\t         1462a0 [unknown] (/opt/envoy/_bin/envoy)

wrk:worker_0 4242 
\t           3c11f memcpy+0x4 (/usr/lib/x86_64-linux-gnu/libc.so.6)
`;

test("perf script text becomes call chains, innermost frame first, offsets dropped", () => {
  const samples = parsePerfScript(SCRIPT);
  expect(samples.length).toBe(3);
  expect(samples[0]?.[0]).toEqual({ sym: "tcp_v4_rcv", dso: K });
  expect(samples[0]?.length).toBe(7);
  expect(samples[1]).toEqual([{ sym: "[unknown]", dso: "/opt/envoy/_bin/envoy" }]);
});

test("user samples are placed by shared object: the binary, libc, the rest", () => {
  const [, envoy, libc] = parsePerfScript(SCRIPT);
  expect(placeOf(envoy ?? [], "envoy")).toEqual({ space: "user", where: "envoy", doing: "" });
  expect(placeOf(libc ?? [], "envoy").where).toBe("libc");
  expect(placeOf(frames(["x", "/lib/ld-linux-x86-64.so.2"]), "envoy").where).toBe("ld-linux-x86-64.so.2");
});

test("kernel samples are placed by the system call's handler and what the chain was doing", () => {
  const [send] = parsePerfScript(SCRIPT);
  expect(placeOf(send ?? [], "envoy")).toEqual({
    space: "kernel",
    where: "send (writev, sendto, …)",
    doing: "loopback delivery (the receiver's TCP path)",
  });
  const sleep = frames(
    ["finish_task_switch.isra.0", K],
    ["__schedule", K],
    ["schedule", K],
    ["do_epoll_wait", K],
    ["__x64_sys_epoll_wait", K],
    ["do_syscall_64", K],
  );
  expect(placeOf(sleep, "envoy")).toEqual({ space: "kernel", where: "epoll", doing: "scheduler (switching threads)" });
  const read = frames(["tcp_recvmsg_locked", K], ["tcp_recvmsg", K], ["do_readv", K], ["x64_sys_call", K], ["do_syscall_64", K]);
  expect(placeOf(read, "envoy")).toEqual({ space: "kernel", where: "receive (readv, recvfrom, …)", doing: "TCP and sockets" });
  const wake = frames(["try_to_wake_up", K], ["futex_wake", K], ["do_futex", K], ["__x64_sys_futex", K], ["do_syscall_64", K]);
  expect(placeOf(wake, "envoy")).toEqual({ space: "kernel", where: "futex", doing: "waking a waiter" });
  const preempted = frames(["finish_task_switch.isra.0", K], ["__schedule", K], ["exit_to_user_mode_loop", K], ["do_syscall_64", K]);
  expect(placeOf(preempted, "envoy").where).toBe("system call exit");
  expect(placeOf(frames(["do_syscall_64", K], ["entry_SYSCALL_64_after_hwframe", K]), "envoy").where).toBe("system call entry");
  expect(placeOf(frames(["clear_page_erms", K], ["asm_exc_page_fault", K]), "envoy").where).toBe("page faults");
  expect(placeOf(frames(["tick_sched_timer", K], ["asm_sysvec_apic_timer_interrupt", K]), "envoy").where).toBe("interrupts");
});

test("a summary counts samples by place; shares add up to one", () => {
  const summary = summarize(parsePerfScript(SCRIPT), "envoy");
  expect(summary.samples).toBe(3);
  const bySpace = sharesBy(summary, (p) => p.space);
  expect(bySpace.get("kernel")).toBeCloseTo(1 / 3, 6);
  expect(bySpace.get("user")).toBeCloseTo(2 / 3, 6);
});

test("a real profile of a process busy in read and write system calls names them", async () => {
  const perf = await ensurePerf(createToolContext());
  const dir = mkdtempSync(join(tmpdir(), "perf-profile-"));
  const dd = Bun.spawn(["dd", "if=/dev/zero", "of=/dev/null", "bs=1"], { stderr: "ignore" });
  const cpuTicks = () => {
    const f = readFileSync(`/proc/${dd.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return Number(f[11]) + Number(f[12]);
  };
  try {
    const start = cpuTicks();
    const { perf: summary } = await profileDuring(perf, dd.pid, "dd", join(dir, "perf.data"), async () => {
      // Until dd has had a third of a second of CPU under the profiler.
      while (cpuTicks() - start < clockTicksPerSecond() / 3) await Bun.sleep(20);
    });
    expect(summary.samples).toBeGreaterThan(50);
    const where = sharesBy(summary, (p) => p.where);
    expect((where.get("receive (readv, recvfrom, …)") ?? 0) + (where.get("send (writev, sendto, …)") ?? 0)).toBeGreaterThan(0.3);
  } finally {
    dd.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
