#!/usr/bin/env bun
/**
 * The trace CLI: `bun observability/src/trace-cli.ts <trace-id> | --last <service>` (what
 * `npm run trace -- …` runs). Exit 0 printed, 1 nothing to print (not found, Jaeger down), 2 usage.
 */
import { colorWanted } from "./ansi.ts";
import type { JaegerTrace } from "./jaeger-api.ts";
import { createJaegerClient, type JaegerClient } from "./jaeger-client.ts";
import { buildSpanTree } from "./span-tree.ts";
import { formatDuration, parseTraceCliArgs, type TraceCliArgs, USAGE, UsageError } from "./trace-cli-args.ts";
import { renderTrace } from "./waterfall.ts";

type Output = { write: (text: string) => void; isTTY?: boolean; columns?: number };

/** Found nothing to show; the message says why and what to try. */
class NothingToShow extends Error {}

export async function runTraceCli(argv: string[], stdout: Output = process.stdout, stderr: Output = process.stderr): Promise<number> {
  let args: TraceCliArgs;
  try {
    args = parseTraceCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`trace: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.kind === "help") {
    stdout.write(`${USAGE}\n`);
    return 0;
  }
  const client = createJaegerClient(args.jaegerUrl);
  try {
    const trace = args.kind === "trace" ? await traceById(client, args.traceId) : await lastTraceOf(client, args.service, args.lookbackMs);
    stdout.write(
      `${renderTrace(buildSpanTree(trace), { barWidth: args.barWidth ?? barWidthFor(stdout), color: args.color ?? colorWanted(stdout) })}\n`,
    );
    return 0;
  } catch (error) {
    // Every failure here is expected (not found, Jaeger down): one clear line, no stack trace.
    stderr.write(`trace: ${(error as Error).message}\n`);
    return 1;
  }
}

async function traceById(client: JaegerClient, traceId: string): Promise<JaegerTrace> {
  const trace = await client.getTrace(traceId);
  if (!trace) {
    throw new NothingToShow(
      `trace ${traceId} not found in Jaeger at ${client.baseUrl} (spans arrive a moment after the request; in-memory test stacks forget on stop)`,
    );
  }
  return trace;
}

async function lastTraceOf(client: JaegerClient, service: string, lookbackMs: number): Promise<JaegerTrace> {
  const traces = await client.findTraces({ service, limit: 50, lookbackMs });
  // Jaeger does not promise an order: pick the latest start ourselves.
  const newest = traces.map((trace) => ({ trace, startUs: buildSpanTree(trace).startUs })).sort((a, b) => b.startUs - a.startUs)[0];
  if (newest) return newest.trace;
  const known = await client.listServices();
  throw new NothingToShow(
    known.includes(service)
      ? `no trace of service ${service} in the last ${formatDuration(lookbackMs)} (try --lookback 2d)`
      : `Jaeger at ${client.baseUrl} has no service ${JSON.stringify(service)}; it knows: ${known.length ? known.join(", ") : "none yet"}`,
  );
}

/** Timing bars take about a third of a terminal, within reason; a fixed width when piped. */
function barWidthFor(stdout: Output): number {
  if (!stdout.isTTY || !stdout.columns) return 40;
  return Math.min(60, Math.max(16, Math.floor(stdout.columns * 0.3)));
}

// exitCode, not exit(): let a piped stdout drain before the process ends.
if (import.meta.main) process.exitCode = await runTraceCli(process.argv.slice(2));
