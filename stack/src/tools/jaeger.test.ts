import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import versions from "../../versions.json";
import { MissingToolError } from "./context.ts";
import { ensureJaeger } from "./jaeger.ts";
import { temporaryToolCache } from "./tool-cache.test-support.ts";

const { state, context } = temporaryToolCache("jaeger");

/** A stand-in for a built Jaeger: answers `version` like the real one. */
function placeCachedBinary(exitCode: number): string {
  const dir = join(state.cacheDir, "jaeger", versions.jaeger.version);
  mkdirSync(dir, { recursive: true });
  const binary = join(dir, "jaeger");
  writeFileSync(binary, `#!/bin/sh\necho '{"gitVersion":"${versions.jaeger.release}"}'\nexit ${exitCode}\n`);
  chmodSync(binary, 0o755);
  return binary;
}

describe("ensureJaeger", () => {
  test("returns the cached binary at once when it runs, without building", async () => {
    const binary = placeCachedBinary(0);
    const started = performance.now();
    const path = await ensureJaeger(context(), {
      findGo: () => {
        throw new Error("must not look for Go on a warm run");
      },
    });
    expect(path).toBe(binary);
    expect(state.steps).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test("without Go, fails saying exactly what to install", async () => {
    const attempt = ensureJaeger(context(), { findGo: () => null });
    await expect(attempt).rejects.toBeInstanceOf(MissingToolError);
    await expect(attempt).rejects.toThrow(/Go \(1\.24\.6 or newer\).*go\.dev\/dl/s);
    expect(state.steps).toEqual([]);
  });

  test("a cached binary that does not run is rebuilt, not trusted", async () => {
    placeCachedBinary(1);
    await expect(ensureJaeger(context(), { findGo: () => null })).rejects.toBeInstanceOf(MissingToolError);
  });
});
