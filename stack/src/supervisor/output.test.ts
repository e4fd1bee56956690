import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProcessOutput } from "./output.ts";

const dir = mkdtempSync(join(tmpdir(), "msa-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("whole lines reach the log file, however the pipe splits them; after close, the next lines append", () => {
  const file = join(dir, "svc.log");
  const output = new ProcessOutput("svc", file, false, 0);
  output.write("stdout", "first li");
  expect(existsSync(file) ? readFileSync(file, "utf8") : "").toBe("");
  output.write("stdout", "ne\nsecond line\nthi");
  expect(readFileSync(file, "utf8")).toBe("first line\nsecond line\n");
  output.close();
  output.write("stdout", "rd line\n");
  output.close();
  expect(readFileSync(file, "utf8")).toBe("first line\nsecond line\nthird line\n");
});
