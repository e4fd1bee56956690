import type { Stack } from "./stack.ts";

/** The table `npm start` prints once healthy: name, pid, address, health. */
export async function printStatus(stack: Stack): Promise<void> {
  const rows = await Promise.all(
    [...stack.processes.values()].map(async (p) => [
      p.name,
      String(p.pid ?? "-"),
      p.spec.address,
      (await p.healthy()) ? "healthy" : p.state,
      String(p.restarts),
    ]),
  );
  const header = ["name", "pid", "address", "health", "restarts"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}`;
  console.log(line(header));
  console.log(line(widths.map((w) => "─".repeat(w))));
  for (const row of rows) console.log(line(row));
}
