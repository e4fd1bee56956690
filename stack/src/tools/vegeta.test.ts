import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import versions from "../../versions.json";
import { MissingToolError } from "./context.ts";
import { temporaryToolCache } from "./tool-cache.test-support.ts";
import { ensureVegeta } from "./vegeta.ts";

const { state, context } = temporaryToolCache("vegeta");

/** A stand-in for a built vegeta: answers `-version` like the real one, with the given release. */
function placeCachedBinary(release: string): string {
  const dir = join(state.cacheDir, "vegeta", versions.vegeta.version);
  mkdirSync(dir, { recursive: true });
  const binary = join(dir, "vegeta");
  writeFileSync(binary, `#!/bin/sh\necho 'Version: ${release}'\necho 'Commit: '\n`);
  chmodSync(binary, 0o755);
  return binary;
}

describe("ensureVegeta", () => {
  test("returns the cached binary at once when it reports the pinned version", async () => {
    const binary = placeCachedBinary(versions.vegeta.version.replace(/^v/, ""));
    const path = await ensureVegeta(context(), {
      findGo: () => {
        throw new Error("must not look for Go on a warm run");
      },
    });
    expect(path).toBe(binary);
    expect(state.steps).toEqual([]);
  });

  test("a cached binary of another version is rebuilt; without Go that fails naming what to install", async () => {
    placeCachedBinary("12.0.0");
    const attempt = ensureVegeta(context(), { findGo: () => null });
    await expect(attempt).rejects.toBeInstanceOf(MissingToolError);
    await expect(attempt).rejects.toThrow(/Go is needed once, to build vegeta.*go\.dev\/dl/s);
    expect(state.steps).toEqual([]);
  });
});
