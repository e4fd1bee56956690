/** Just the few ANSI styles the trace CLI uses; `enabled: false` (not a TTY, NO_COLOR) makes them no-ops. */
export type Styles = {
  bold: (text: string) => string;
  dim: (text: string) => string;
  red: (text: string) => string;
  yellow: (text: string) => string;
  /** A stable color per service name, so one service reads the same on every line. */
  service: (name: string) => string;
};

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const SERVICE_COLORS = [36, 35, 32, 34, 33, 96, 95, 92, 94].map((code) => wrap(code, 39));

export function createStyles(enabled: boolean): Styles {
  if (!enabled) {
    const plain = (text: string) => text;
    return { bold: plain, dim: plain, red: plain, yellow: plain, service: plain };
  }
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    service: (name) => {
      let hash = 0;
      for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
      return (SERVICE_COLORS[hash % SERVICE_COLORS.length] as (text: string) => string)(name);
    },
  };
}

/** Color only for a terminal, and never when the user asked for none (https://no-color.org). */
export function colorWanted(stream: { isTTY?: boolean }, env: Record<string, string | undefined> = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}
