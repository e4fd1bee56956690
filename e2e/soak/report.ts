import type { PlannedFault } from "./faults.ts";
import type { Sample, Violation } from "./invariants.ts";

export type ExecutedFault = { planned: PlannedFault; startedAt: number; endedAt: number; error?: string };

export type RouteAvailability = { ok: number; total: number };

export type FaultOutcome = {
  index: number;
  fault: string;
  startedAt: string;
  offsetS: number;
  durationS: number;
  /** Every route's answers while the fault was in place (ok: any answer below 500). */
  availability: Record<string, RouteAvailability>;
  /** From the fault's end to the last failed request before the next fault; 0 when none failed after it. */
  recoveredAfterMs: number;
  error?: string;
};

export type SoakReport = {
  seed: number;
  minutes: number;
  startedAt: string;
  requests: number;
  acknowledged: { users: number; postings: number };
  faults: FaultOutcome[];
  violations: Violation[];
  passed: boolean;
};

const failed = (s: Sample) => s.status === 0 || s.status >= 500;

export function faultOutcomes(samples: Sample[], executed: ExecutedFault[], runStartedAt: number, runEndedAt: number): FaultOutcome[] {
  return executed.map((e, i) => {
    const during = samples.filter((s) => s.startedAt < e.endedAt && s.endedAt >= e.startedAt);
    const availability: Record<string, RouteAvailability> = {};
    for (const s of during) {
      const a = availability[s.route] ?? { ok: 0, total: 0 };
      availability[s.route] = a;
      a.total += 1;
      if (!failed(s)) a.ok += 1;
    }
    const until = executed[i + 1]?.startedAt ?? runEndedAt;
    const lastFailure = Math.max(
      e.endedAt,
      // A request still open when the next fault began is that fault's, not this one's.
      ...samples.filter((s) => failed(s) && s.endedAt >= e.startedAt && s.endedAt < until).map((s) => s.endedAt),
    );
    return {
      index: e.planned.index,
      fault: e.planned.label,
      startedAt: new Date(e.startedAt).toISOString(),
      offsetS: Math.round((e.startedAt - runStartedAt) / 100) / 10,
      durationS: Math.round((e.endedAt - e.startedAt) / 100) / 10,
      availability,
      recoveredAfterMs: lastFailure - e.endedAt,
      ...(e.error ? { error: e.error } : {}),
    };
  });
}

function hitRoutes(availability: Record<string, RouteAvailability>): string {
  const hit = Object.entries(availability)
    .filter(([, a]) => a.ok < a.total)
    .map(([route, a]) => `${route} ${a.ok}/${a.total}`);
  return hit.length === 0 ? "all 100 %" : `${hit.join(" · ")}; others 100 %`;
}

export function renderMarkdown(report: SoakReport): string {
  const byInvariant = new Map<string, string[]>();
  for (const v of report.violations) byInvariant.set(v.invariant, [...(byInvariant.get(v.invariant) ?? []), v.detail]);
  const lines = [
    `# Soak report: seed ${report.seed}, ${report.minutes} min`,
    "",
    `started ${report.startedAt} · ${report.faults.length} faults · ${report.requests} requests · acknowledged: ` +
      `${report.acknowledged.users} sign-ups, ${report.acknowledged.postings} postings`,
    "",
    `**${report.passed ? "every invariant held" : `${report.violations.length} invariant violations`}**`,
    "",
  ];
  if (byInvariant.size > 0) {
    lines.push("| invariant | violations | first ones |", "|---|---|---|");
    for (const [invariant, details] of byInvariant)
      lines.push(`| ${invariant} | ${details.length} | ${details.slice(0, 3).join("<br>")} |`);
    lines.push("");
  }
  lines.push(
    "| # | at (s) | fault | held (s) | availability while held (ok/total, routes that failed) | recovered after |",
    "|---|---|---|---|---|---|",
  );
  for (const f of report.faults) {
    lines.push(
      `| ${f.index} | ${f.offsetS} | ${f.fault}${f.error ? ` (failed to inject: ${f.error})` : ""} | ${f.durationS} | ${hitRoutes(f.availability)} | ${(f.recoveredAfterMs / 1000).toFixed(1)} s |`,
    );
  }
  return `${lines.join("\n")}\n`;
}
