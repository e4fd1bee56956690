import { ProblemError } from "@msa-board/service-kit/problem";
import type { PostingRow } from "../db/schema.ts";

export type PostingResponse = {
  id: string;
  title: string;
  body: string;
  authorId: string;
  authorName: string;
  createdAt: string;
  updatedAt: string;
};

export function toPostingResponse(row: PostingRow): PostingResponse {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    authorId: row.authorId,
    authorName: row.authorName,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const postingNotFound = (id: string) =>
  new ProblemError("not-found", `There is no posting with id ${JSON.stringify(id.slice(0, 100))}.`);

/** Ids are opaque to clients: one that is not even shaped like ours names no posting (404, not 400). */
export function postingIdOrNotFound(id: string): string {
  if (!uuid.test(id)) throw postingNotFound(id);
  return id.toLowerCase();
}
