import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProcessOutput } from "./output.ts";

const dir = mkdtempSync(join(tmpdir(), "msa-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "");

test("the log file gets every byte in order, however the pipe splits it; after close, the next bytes append", () => {
  const file = join(dir, "svc.log");
  const output = new ProcessOutput("svc", file, false, 0);
  output.write("stdout", Buffer.from("first li"));
  output.write("stdout", Buffer.from("ne\nsecond line\n"));
  output.close();
  output.write("stdout", Buffer.from("third line ✓\n"));
  output.close();
  expect(read(file)).toBe("first line\nsecond line\nthird line ✓\n");
});

test("a supervisor note never lands inside a process's unfinished line", () => {
  const file = join(dir, "half.log");
  const output = new ProcessOutput("svc", file, false, 0);
  output.write("stdout", Buffer.from("half a li"));
  output.note("restarting");
  output.write("stdout", Buffer.from("next\n"));
  output.close();
  const lines = read(file).split("\n");
  expect(lines[0]).toBe("half a li");
  expect(lines[1]).toMatch(/^\[supervisor .*\] restarting$/);
  expect(lines[2]).toBe("next");
});
