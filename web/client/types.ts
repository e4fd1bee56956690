/** The contract's shapes, as the pages read them. */
export type Posting = {
  id: string;
  title: string;
  body: string;
  authorId: string;
  authorName: string;
  createdAt: string;
  updatedAt: string;
};
export type PostingPage = { items: Posting[]; nextCursor: string | null };
export type Notice = { id: string; title: string; body: string; createdAt: string; updatedAt: string };
export type User = { id: string; email: string; name: string; role: "user" | "admin"; createdAt: string };
