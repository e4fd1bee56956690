import { existsSync, rmSync } from "node:fs";

/**
 * Where a stripped binary spends its CPU, from `perf record -g` (Linux's sampling profiler). Its own
 * functions have no names, but the shared object of each sample does (the binary, libc), and the
 * kernel's symbols do: the call chain of a kernel sample names the system call it is in (writev,
 * readv, epoll_wait, futex, …) and what that call was doing (sleeping in the scheduler, waking
 * another thread, delivering a loopback TCP segment to the receiving socket).
 */

/** One sample's place: user space by shared object, kernel by system call and by what it did there. */
export type Place = { space: "user" | "kernel"; where: string; doing: string };

type Frame = { sym: string; dso: string };

const SEND = new Set(["writev", "write", "sendto", "sendmsg", "sendmmsg"]);
const RECV = new Set(["readv", "read", "recvfrom", "recvmsg", "recvmmsg"]);
const EPOLL = new Set(["epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl"]);

const SYSCALL_PREFIX = /^(?:__x64_sys_|__se_sys_|__do_sys_|__ia32_sys_|ksys_|__sys_|do_)/;

/**
 * The system call a kernel call chain is in: the frame just inside `do_syscall_64` is its handler
 * (`__x64_sys_epoll_wait`, or an inlined `do_readv`); grouped into sends, receives, epoll and the
 * rest by name. The exit path (`exit_to_user_mode_loop`: preempted or a signal on the way out) is
 * a place of its own.
 */
function syscallOf(frames: Frame[]): string | null {
  const entry = frames.findIndex((f) => f.sym === "do_syscall_64");
  if (entry < 0) return null;
  const inner = frames
    .slice(0, entry)
    .reverse()
    .find((f) => f.sym !== "x64_sys_call");
  if (!inner) return "system call entry";
  if (inner.sym.includes("exit_to_user_mode")) return "system call exit";
  const name = inner.sym.replace(SYSCALL_PREFIX, "");
  if (SEND.has(name)) return "send (writev, sendto, …)";
  if (RECV.has(name)) return "receive (readv, recvfrom, …)";
  if (EPOLL.has(name)) return "epoll";
  return name;
}

const has = (frames: Frame[], test: (sym: string) => boolean) => frames.some((f) => test(f.sym));

/** What a kernel sample was doing, the first that applies, whatever system call it is in. */
function kernelDoing(frames: Frame[]): string {
  if (has(frames, (s) => s === "__schedule" || s === "schedule" || s === "finish_task_switch.isra.0" || s.startsWith("finish_task_switch")))
    return "scheduler (switching threads)";
  if (
    has(frames, (s) => s === "sock_def_readable" || s.startsWith("__wake_up") || s === "try_to_wake_up" || s.startsWith("ep_poll_callback"))
  )
    return "waking a waiter";
  if (has(frames, (s) => s === "tcp_v4_rcv" || s === "__netif_receive_skb" || s === "process_backlog" || s === "net_rx_action"))
    return "loopback delivery (the receiver's TCP path)";
  if (has(frames, (s) => s.startsWith("tcp_") || s.startsWith("__tcp_") || s.startsWith("skb_") || s.startsWith("sock_")))
    return "TCP and sockets";
  return "the rest";
}

/** The system call a kernel sample is in, or why the kernel ran without one. */
function kernelWhere(frames: Frame[]): string {
  const syscall = syscallOf(frames);
  if (syscall) return syscall;
  if (has(frames, (s) => s.startsWith("asm_exc_page_fault"))) return "page faults";
  if (has(frames, (s) => s.startsWith("asm_sysvec") || s.startsWith("asm_common_interrupt"))) return "interrupts";
  return "other";
}

/** A sample's call chain (innermost frame first) → where it was. */
export function placeOf(frames: Frame[], binary: string): Place {
  const top = frames[0];
  if (!top || top.dso === "[unknown]") return { space: "user", where: "unknown", doing: "" };
  if (top.dso === "[kernel.kallsyms]") {
    return { space: "kernel", where: kernelWhere(frames), doing: kernelDoing(frames) };
  }
  const base = top.dso.slice(top.dso.lastIndexOf("/") + 1);
  if (base === binary) return { space: "user", where: binary, doing: "" };
  if (/^libc[.-]/.test(base)) return { space: "user", where: "libc", doing: "" };
  return { space: "user", where: base, doing: "" };
}

/** `perf script -F comm,tid,ip,sym,dso` text → call chains, innermost frame first. */
export function parsePerfScript(text: string): Frame[][] {
  const samples: Frame[][] = [];
  let current: Frame[] | null = null;
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      if (current) samples.push(current);
      current = null;
    } else if (/^\s/.test(line)) {
      // "\t    ffffffff81a0 tcp_sendmsg+0x12 ([kernel.kallsyms])"
      const m = /^\s*[0-9a-f]+\s+(.*?)\s+\(([^()]*)\)\s*$/.exec(line);
      if (m && current) current.push({ sym: (m[1] ?? "").replace(/\+0x[0-9a-f]+$/, ""), dso: m[2] ?? "" });
    } else {
      if (current) samples.push(current);
      current = [];
    }
  }
  if (current) samples.push(current);
  return samples.filter((s) => s.length > 0);
}

export type PerfSummary = { samples: number; places: Array<Place & { samples: number }> };

/** Samples counted by place, the commonest first. */
export function summarize(samples: Frame[][], binary: string): PerfSummary {
  const counts = new Map<string, Place & { samples: number }>();
  for (const frames of samples) {
    const place = placeOf(frames, binary);
    const key = `${place.space}\0${place.where}\0${place.doing}`;
    const row = counts.get(key) ?? { ...place, samples: 0 };
    row.samples++;
    counts.set(key, row);
  }
  return { samples: samples.length, places: [...counts.values()].sort((a, b) => b.samples - a.samples) };
}

/** Samples summed over `key` (e.g. by `where`), as shares of all samples. */
export function sharesBy(summary: PerfSummary, key: (p: Place) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of summary.places) out.set(key(p), (out.get(key(p)) ?? 0) + p.samples / Math.max(1, summary.samples));
  return out;
}

/**
 * Samples process `pid` (all its threads, with call chains) while `during` runs, then summarizes
 * (`binary`: the file name of its executable, so its own frames are told from libc's).
 * `perf record` runs until it gets SIGINT, so the profile covers exactly `during`.
 */
export async function profileDuring<T>(
  perfBin: string,
  pid: number,
  binary: string,
  file: string,
  during: () => Promise<T>,
): Promise<{ result: T; perf: PerfSummary }> {
  rmSync(file, { force: true });
  const rec = Bun.spawn([perfBin, "record", "-g", "-F", "999", "-p", String(pid), "-o", file, "--quiet"], {
    stdout: "ignore",
    stderr: "pipe",
  });
  // perf prints nothing when it is ready; its output file appears once it has set up the events.
  const deadline = Date.now() + 10_000;
  while (!existsSync(file) && Date.now() < deadline && rec.exitCode === null) await Bun.sleep(20);
  let result: T;
  try {
    result = await during();
  } finally {
    rec.kill("SIGINT");
    await rec.exited;
  }
  if (rec.exitCode !== 0 && rec.exitCode !== null && !existsSync(file)) {
    throw new Error(`perf record failed (${rec.exitCode}): ${await new Response(rec.stderr).text()}`);
  }
  const script = Bun.spawnSync([perfBin, "script", "-i", file, "-F", "comm,tid,ip,sym,dso"], { stdout: "pipe", stderr: "pipe" });
  rmSync(file, { force: true });
  if (script.exitCode !== 0) throw new Error(`perf script failed: ${script.stderr.toString()}`);
  return { result, perf: summarize(parsePerfScript(script.stdout.toString()), binary) };
}
