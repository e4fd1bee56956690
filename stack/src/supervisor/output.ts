import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

const colors = [36, 32, 33, 35, 34, 91, 92, 93, 94, 95, 96];
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

/** Where a process's lines go: its own log file always, the merged console view when enabled. */
export class ProcessOutput {
  private readonly prefix: string;
  private pending = { stdout: "", stderr: "" };
  /** Kept open while the process runs: one write per chunk, not an open/write/close. */
  private fd: number | undefined;

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

  write(stream: "stdout" | "stderr", chunk: string): void {
    const text = this.pending[stream] + chunk;
    const lines = text.split("\n");
    this.pending[stream] = lines.pop() ?? "";
    if (lines.length === 0) return;
    this.append(`${lines.join("\n")}\n`);
    if (this.echo) process.stdout.write(lines.map((line) => `${this.prefix}${line}\n`).join(""));
  }

  /** Releases the log file; the next line opens it again (a restarted process appends). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private append(text: string): void {
    this.fd ??= openSync(this.logFile, "a");
    writeSync(this.fd, text);
  }

  /** Lines the supervisor itself says about this process, marked so they stand out. */
  note(line: string): void {
    const stamped = `[supervisor ${new Date().toISOString()}] ${line}`;
    this.append(`${stamped}\n`);
    process.stdout.write(`${this.prefix}${stamped}\n`);
  }
}
