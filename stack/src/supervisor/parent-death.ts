import { basename } from "node:path";

const setpriv = process.platform === "linux" ? Bun.which("setpriv") : null;

/**
 * Makes a child die with the runner on Linux: util-linux `setpriv --pdeathsig` sets the signal the
 * kernel sends the child when its parent exits (even by SIGKILL or the OOM killer). The signal is the
 * process's own stop signal, so it still shuts down cleanly. The kernel fires it when the spawning
 * *thread* exits: the runner spawns from its main JavaScript thread, which lives as long as the
 * runner. A change of user id clears it, so a command already run through setpriv (PostgreSQL as an
 * unprivileged account) gets the flag in that same setpriv. Without setpriv the next start cleans up
 * instead (leftovers.ts). `MSA_BOARD_PDEATHSIG=off` turns it off (tests of that clean-up).
 */
export function withParentDeathSignal(command: string[], signal: NodeJS.Signals): string[] {
  if (!setpriv || process.env.MSA_BOARD_PDEATHSIG === "off") return command;
  const [first, ...rest] = command;
  if (first && basename(first) === "setpriv") return [first, "--pdeathsig", signal, ...rest];
  return [setpriv, "--pdeathsig", signal, "--", ...command];
}
