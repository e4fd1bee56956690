import type versionsFile from "../../versions.json";

export type Versions = typeof versionsFile;

/** What every tool installer gets: where to cache, which versions, and how to report a long step. */
export type ToolContext = {
  cacheDir: string;
  versions: Versions;
  step: <T>(label: string, fn: () => Promise<T>) => Promise<T>;
};

/** Thrown when a tool cannot be installed here; the message says what to install by hand. */
export class MissingToolError extends Error {
  override name = "MissingToolError";
}
