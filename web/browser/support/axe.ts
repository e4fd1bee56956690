import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";

const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export type Violation = { id: string; impact: string | null; help: string; nodes: string[] };

/**
 * axe-core run inside the page as it is: evaluated through the DevTools protocol, which the page's
 * CSP (no inline script) does not block, so the page under test needs no relaxing.
 */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  const injected = await page.evaluate("typeof window.axe === 'object'");
  if (!injected) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")),
  })))`)) as Violation[];
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
