import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * RESULTS.md is written by several commands: `npm run bench` owns the top, and each other command
 * (compare, before-after, gateway-ablation) owns one section between its markers. Each rewrites
 * only its own part and keeps the others as they are.
 */
export const sectionStart = (name: string) => `<!-- ${name}:start (npm run bench -- ${name} rewrites this section) -->`;
export const sectionEnd = (name: string) => `<!-- ${name}:end -->`;

const SECTION = /<!-- ([\w-]+):start[^>]*-->[\s\S]*?<!-- \1:end -->/g;

/** Every command's section in `file`, in order, whole (markers included). */
export function sectionsOf(file: string): string[] {
  if (!existsSync(file)) return [];
  return [...readFileSync(file, "utf8").matchAll(SECTION)].map((m) => m[0]);
}

/** Replaces section `name` in `file` (or appends it); everything else stays. `body` has no markers. */
export function writeSection(file: string, name: string, body: string): void {
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const section = `${sectionStart(name)}\n${body.trim()}\n${sectionEnd(name)}`;
  const existing = sectionsOf(file).find((s) => s.startsWith(`<!-- ${name}:start`));
  writeFileSync(file, existing ? text.replace(existing, () => section) : `${text.trimEnd()}\n\n${section}\n`);
}
