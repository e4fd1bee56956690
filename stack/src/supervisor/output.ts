import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

const colors = [36, 32, 33, 35, 34, 91, 92, 93, 94, 95, 96];
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

/** Where a process's lines go: its own log file always, the merged console view when enabled. */
export class ProcessOutput {
  private readonly prefix: string;
  private pending = { stdout: "", stderr: "" };

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
    appendFileSync(this.logFile, `${lines.join("\n")}\n`);
    if (this.echo) process.stdout.write(lines.map((line) => `${this.prefix}${line}\n`).join(""));
  }

  /** Lines the supervisor itself says about this process, marked so they stand out. */
  note(line: string): void {
    const stamped = `[supervisor ${new Date().toISOString()}] ${line}`;
    appendFileSync(this.logFile, `${stamped}\n`);
    process.stdout.write(`${this.prefix}${stamped}\n`);
  }
}
