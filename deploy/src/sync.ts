/**
 * `bun run sync` (in deploy/): rewrites the copies deploy/ keeps of other parts' files (see
 * generated.ts). `bun run sync --check` only reports drift and exits 1 when there is any.
 */
import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fromRoot } from "./facts.ts";
import { drift, expected, generatedFiles } from "./generated.ts";

const check = process.argv.includes("--check");
let failed = false;

if (check) {
  for (const { path, problem } of drift()) {
    console.error(`✗ ${path}: ${problem}`);
    failed = true;
  }
  if (!failed) console.log(`✓ ${generatedFiles.length} generated files match their sources`);
} else {
  for (const file of generatedFiles) {
    const want = expected(file);
    if ("error" in want) {
      console.error(`✗ ${file.path}: ${want.error}`);
      failed = true;
      continue;
    }
    const target = fromRoot(file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, want.content);
    // Keep a script executable like its source.
    chmodSync(target, statSync(fromRoot(file.source)).mode & 0o777);
    console.log(`✓ ${file.path} ← ${file.source}`);
  }
}
process.exit(failed ? 1 : 0);
