import { expect, test } from "bun:test";
import { checkRestarts, type ProcessStatus } from "./final-checks.ts";
import type { ExecutedFault } from "./report.ts";

const status = (restarts: Record<string, number>): ProcessStatus => ({
  processes: Object.entries(restarts).map(([name, n]) => ({ name, restarts: n })),
  instances: { users: ["users-2"], postings: ["postings"], notices: ["notices"] },
});
const fault = (kind: "kill" | "pause", target: string): ExecutedFault =>
  ({ planned: { index: 0, atMs: 0, durationMs: 1, label: "", fault: { kind, target } }, startedAt: 0, endedAt: 1 }) as ExecutedFault;

test("a restart is excused only by a kill of that process, or a pause of a service", () => {
  const before = status({ "users-2": 0, postgres: 0, postings: 1 });
  expect(checkRestarts(before, status({ "users-2": 1, postgres: 0, postings: 1 }), [fault("kill", "users")], "/logs")).toEqual([]);
  expect(checkRestarts(before, status({ "users-2": 1, postgres: 0, postings: 1 }), [fault("pause", "users")], "/logs")).toEqual([]);
  const crashed = checkRestarts(before, status({ "users-2": 0, postgres: 1, postings: 2 }), [fault("pause", "postgres")], "/logs");
  expect(crashed.map((v) => v.detail)).toEqual([
    "postgres restarted 1 times, the soak killed or paused it 0 times (log: /logs/postgres.log)",
    "postings restarted 1 times, the soak killed or paused it 0 times (log: /logs/postings.log)",
  ]);
});
