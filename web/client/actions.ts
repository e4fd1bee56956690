import type { ApiResult } from "./http.ts";
import { Store } from "./store.ts";

/** One click and the API call it made: what the "What did this click do?" panel lists. */
export type Action = { id: number; label: string; method: string; path: string; status: number; traceId: string | null; at: Date };

export const actions = new Store<Action[]>([]);
let nextId = 1;

export function recordAction(label: string, result: ApiResult): Action {
  const action: Action = {
    id: nextId++,
    label,
    method: result.method,
    path: result.path,
    status: result.status,
    traceId: result.traceId,
    at: new Date(),
  };
  actions.set([action, ...actions.get()].slice(0, 8));
  return action;
}
