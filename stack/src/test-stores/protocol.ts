/** The lines a keeper prints on stdout for whoever started it; anything else there is just output. */
export const READY_MARK = "msa-board-test-stores:ready ";
export const FAILED_MARK = "msa-board-test-stores:failed ";

/** What a keeper records for a run that re-executes itself (`bun test --watch`) to find it again. */
export type KeeperState = { keeper: number; parent: number; env: Record<string, string> };
