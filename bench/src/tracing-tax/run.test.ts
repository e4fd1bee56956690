import { expect, test } from "bun:test";
import { parseTracedEnv } from "./run.ts";

test("--traced-env / --variant-env: PROCESS:KEY=VALUE, several keys per process; anything else is refused", () => {
  const env = parseTracedEnv(["jaeger:GOMAXPROCS=1", "postings:OTEL_X=a=b", "jaeger:GOGC=200"]);
  expect(env?.get("jaeger")).toEqual({ GOMAXPROCS: "1", GOGC: "200" });
  expect(env?.get("postings")).toEqual({ OTEL_X: "a=b" });
  expect(parseTracedEnv(["GOMAXPROCS=1"])).toBeUndefined();
  expect(parseTracedEnv([])?.size).toBe(0);
});
