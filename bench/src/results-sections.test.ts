import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sectionsOf, writeSection } from "./results-sections.ts";

const dir = mkdtempSync(join(tmpdir(), "msa-results-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("each command rewrites its own section and keeps the rest of RESULTS.md as it was", () => {
  const file = join(dir, "RESULTS.md");
  writeFileSync(file, "# Benchmark results\n\nthe main tables\n");
  writeSection(file, "compare", "shapes, first");
  writeSection(file, "before-after", "revisions $& $1"); // replacement patterns stay literal
  writeSection(file, "compare", "shapes, second");
  const text = readFileSync(file, "utf8");
  expect(text).toContain("the main tables");
  expect(text).toContain("shapes, second");
  expect(text).not.toContain("shapes, first");
  expect(text).toContain("revisions $& $1");
  const sections = sectionsOf(file);
  expect(sections).toHaveLength(2);
  expect(sections[0]).toStartWith("<!-- compare:start");
  expect(sections[1]).toEndWith("<!-- before-after:end -->");
});
