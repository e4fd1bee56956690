import { useEffect, useState } from "preact/hooks";
import { Outcome } from "../components/outcome.tsx";
import { When } from "../components/when.tsx";
import type { ApiResult } from "../http.ts";
import { href } from "../router.ts";
import { api, session } from "../session.ts";
import { useStore } from "../store.ts";
import type { Notice, Posting, PostingPage } from "../types.ts";

const PAGE_SIZE = 10;

function Notices() {
  const [notices, setNotices] = useState<Notice[] | null>(null);
  const [failure, setFailure] = useState<ApiResult | null>(null);
  const isAdmin = useStore(session).current?.user.role === "admin";
  useEffect(() => {
    void api<{ items: Notice[] }>("Load notices", "GET", "/notice").then((r) => (r.ok ? setNotices(r.body?.items ?? []) : setFailure(r)));
  }, []);
  if (failure) return <Outcome result={failure} />;
  if (!notices) return <p>Loading notices…</p>;
  return (
    <section class="notices" aria-labelledby="notices-title">
      <h2 id="notices-title">Notices</h2>
      {notices.length === 0 ? <p>No notices right now.</p> : null}
      {notices.map((n) => (
        <article key={n.id} class="notice">
          <h3>{n.title}</h3>
          <p class="text">{n.body}</p>
        </article>
      ))}
      {isAdmin && (
        <p>
          <a href={href.notices}>Edit notices</a>
        </p>
      )}
    </section>
  );
}

export function BoardPage() {
  const [items, setItems] = useState<Posting[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [last, setLast] = useState<ApiResult | null>(null);
  const signedIn = useStore(session).current !== null;

  const load = async (after: string | null) => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...(after ? { cursor: after } : {}) });
    const result = await api<PostingPage>(after ? "Load more postings" : "Load the board", "GET", `/postings?${query}`);
    setLast(result);
    if (result.ok && result.body) {
      const page = result.body;
      setItems((before) => (after ? [...before, ...page.items] : page.items));
      setCursor(page.nextCursor);
    }
    setLoaded(true);
  };
  useEffect(() => {
    void load(null);
  }, []);

  return (
    <>
      <h1 tabIndex={-1}>The board</h1>
      <Notices />
      <section aria-labelledby="postings-title" aria-busy={loaded ? "false" : "true"}>
        <h2 id="postings-title">Postings, newest first</h2>
        {signedIn ? (
          <p>
            <a class="button" href={href.write}>
              Write a posting
            </a>
          </p>
        ) : (
          <p>
            <a href={href.login}>Log in</a> or <a href={href.signup}>sign up</a> to write.
          </p>
        )}
        {loaded && items.length === 0 && last?.ok ? <p>Nothing posted yet.</p> : null}
        <ul class="postings">
          {items.map((p) => (
            <li key={p.id}>
              <a href={href.posting(p.id)}>{p.title}</a>
              <span class="byline">
                by <span class="author">{p.authorName}</span>, <When iso={p.createdAt} />
              </span>
            </li>
          ))}
        </ul>
        {last && !last.ok ? <Outcome result={last} /> : null}
        {cursor && (
          <button type="button" onClick={() => void load(cursor)}>
            More postings
          </button>
        )}
      </section>
    </>
  );
}
