/**
 * Where log lines go by default: standard output, in batches. A line per request, each its own
 * `console.log`, is a write system call per request (and a wake-up of whatever reads the pipe);
 * lines that come within `flushMs` of each other leave together in one call instead. Nothing is
 * dropped: warnings and errors (and anything before them) leave at once, the buffer leaves when it
 * grows past `maxBytes`, and `flush()` empties it — the entry points call it on their way out.
 */
export type LineSink = {
  /** Queued; leaves within `flushMs`. */
  write(line: string): void;
  /** Leaves now, after everything queued before it. */
  writeNow(line: string): void;
  flush(): void;
};

export type LineSinkOptions = {
  flushMs?: number;
  maxBytes?: number;
  /** Receives one or more whole lines, newline-separated, without the last newline (console.log adds it). */
  out?: (text: string) => void;
};

export function createLineSink({ flushMs = 20, maxBytes = 64 * 1024, out = (text) => console.log(text) }: LineSinkOptions = {}): LineSink {
  let pending: string[] = [];
  let bytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = pending.join("\n");
    pending = [];
    bytes = 0;
    out(text);
  };

  return {
    write(line) {
      pending.push(line);
      bytes += line.length + 1;
      if (bytes >= maxBytes) flush();
      else timer ??= setTimeout(flush, flushMs);
    },
    writeNow(line) {
      pending.push(line);
      flush();
    },
    flush,
  };
}

/** The process's own sink: every logger writing to standard output shares it, so lines keep their order. */
export const standardOutput: LineSink = createLineSink();
