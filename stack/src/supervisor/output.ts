import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

const NEWLINE = 0x0a;
const colors = [36, 32, 33, 35, 34, 91, 92, 93, 94, 95, 96];
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

/** Where a process's lines go: its own log file always, the merged console view when enabled. */
export class ProcessOutput {
  private readonly prefix: string;
  private pending = { stdout: "", stderr: "" };
  /** Kept open while the process runs: one write per chunk, not an open/write/close. */
  private fd: number | undefined;
  /** The file ends inside a line: a supervisor note must start on a line of its own. */
  private midLine = false;

  constructor(
    readonly name: string,
    readonly logFile: string,
    private readonly echo: boolean,
    index: number,
    width = 9,
  ) {
    mkdirSync(dirname(logFile), { recursive: true });
    const label = name.padEnd(width);
    this.prefix = useColor ? `\x1b[${colors[index % colors.length]}m${label}|\x1b[0m ` : `${label}| `;
  }

  write(stream: "stdout" | "stderr", chunk: Buffer): void {
    // The log file takes the bytes as they come (no decoding, no splitting: a busy service writes
    // megabytes). Only the console view needs whole lines, to prefix each with the process's name.
    if (chunk.length === 0) return;
    this.append(chunk);
    this.midLine = chunk[chunk.length - 1] !== NEWLINE;
    if (!this.echo) return;
    const text = this.pending[stream] + chunk.toString("utf8");
    const lines = text.split("\n");
    this.pending[stream] = lines.pop() ?? "";
    if (lines.length > 0) process.stdout.write(lines.map((line) => `${this.prefix}${line}\n`).join(""));
  }

  /** Releases the log file; the next line opens it again (a restarted process appends). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private append(text: string | Buffer): void {
    this.fd ??= openSync(this.logFile, "a");
    if (typeof text === "string") writeSync(this.fd, text);
    else writeSync(this.fd, text);
  }

  /** Lines the supervisor itself says about this process, marked so they stand out. */
  note(line: string): void {
    const stamped = `[supervisor ${new Date().toISOString()}] ${line}`;
    this.append(`${this.midLine ? "\n" : ""}${stamped}\n`);
    this.midLine = false;
    process.stdout.write(`${this.prefix}${stamped}\n`);
  }
}
