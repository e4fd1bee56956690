import { expect, test } from "bun:test";
import { ensureAptBinary } from "./apt.ts";
import { createToolContext } from "./context.ts";

test("a tool already on this machine is used as it is, the first of its names that is found; nothing is installed", async () => {
  const steps: string[] = [];
  const step = async <T>(label: string, fn: () => Promise<T>) => {
    steps.push(label);
    return fn();
  };
  const ctx = { ...createToolContext(), step };
  const path = await ensureAptBinary(ctx, { names: ["no-such-tool-here", "sh"], aptPackage: "dash", label: "sh", why: "a shell" });
  expect(path).toEndWith("/sh");
  expect(steps).toEqual([]);
});
