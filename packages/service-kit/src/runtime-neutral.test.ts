import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import kitPackage from "../package.json";

const kitDir = resolve(import.meta.dir, "..");
const noticesDir = resolve(kitDir, "../../services/notices");
const denoJson = JSON.parse(readFileSync(join(noticesDir, "deno.json"), "utf8")) as { imports: Record<string, string> };

/** What the Deno service maps: the kit's runtime-neutral core, by the same names as the kit's exports. */
const mapped = Object.entries(denoJson.imports)
  .filter(([name]) => name.startsWith("@msa-board/service-kit/"))
  .map(([name, target]) => ({ entry: `./${name.slice("@msa-board/service-kit/".length)}`, file: resolve(noticesDir, target) }));

/** Every file a module pulls in from the kit, following relative imports. */
function kitFilesOf(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, "utf8");
  for (const [, spec] of source.matchAll(/from "(\.{1,2}\/[^"]+)"/g)) kitFilesOf(resolve(dirname(file), spec as string), seen);
  return seen;
}

describe("the runtime-neutral core (imported by notices on Deno)", () => {
  test("notices maps only entries the kit exports, each to the file the kit exports it as", () => {
    const exports = kitPackage.exports as Record<string, string>;
    expect(mapped.length).toBeGreaterThan(5);
    for (const { entry, file } of mapped) {
      expect({ entry, file: relative(kitDir, file) }).toEqual({ entry, file: (exports[entry] ?? "(not exported)").slice(2) });
    }
  });

  test("uses no Bun-only or Node-only API: no bun:*, Bun.*, process.*, postgres or drizzle", () => {
    const offending: string[] = [];
    for (const { file } of mapped) {
      for (const used of kitFilesOf(file)) {
        const source = readFileSync(used, "utf8")
          .replace(/\/\*[\s\S]*?\*\//g, "")
          .replace(/(^|\s)\/\/.*$/gm, "");
        const bad = /from "(bun:[^"]*|postgres|drizzle-orm[^"]*|node:[^"]*)"|\bBun\.|\bprocess\./.exec(source);
        if (bad) offending.push(`${relative(kitDir, used)}: ${bad[0]}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
