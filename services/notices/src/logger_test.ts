import assert from "node:assert/strict";
import { createLogger } from "./logger.ts";

const capture = () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: "notices",
    level: "info",
    clock: () => new Date("2030-01-01T00:00:00.000Z"),
    write: (line) => lines.push(JSON.parse(line)),
  });
  return { lines, logger };
};

Deno.test("logger: one JSON object per line with time, level, service, msg and fields", () => {
  const { lines, logger } = capture();
  logger.info("hello", { noticeId: "n1" });
  logger.debug("hidden below the level");
  logger.child({ instance: "notices-1" }).warn("careful");
  assert.deepEqual(lines, [
    { time: "2030-01-01T00:00:00.000Z", level: "info", service: "notices", msg: "hello", noticeId: "n1" },
    { time: "2030-01-01T00:00:00.000Z", level: "warn", service: "notices", msg: "careful", instance: "notices-1" },
  ]);
});

Deno.test("logger: secrets are redacted at any depth; errors keep name and message", () => {
  const { lines, logger } = capture();
  logger.error("oops", {
    headers: { authorization: "Bearer abc.def.ghi", accept: "json" },
    token: "abc",
    accessToken: "abc",
    nested: { password: "pw", privateKey: "k" },
    err: new TypeError("bad"),
  });
  const line = lines[0] as Record<string, unknown>;
  assert.doesNotMatch(JSON.stringify(line), /abc|pw"|"k"/);
  assert.deepEqual(line.headers, { authorization: "[redacted]", accept: "json" });
  assert.equal((line.err as { name: string; message: string }).message, "bad");
});
