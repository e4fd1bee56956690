import { useEffect, useRef, useState } from "preact/hooks";
import { Outcome } from "../components/outcome.tsx";
import { When } from "../components/when.tsx";
import { useFocusWhenShown } from "../focus.ts";
import type { ApiResult } from "../http.ts";
import { href } from "../router.ts";
import { api, session } from "../session.ts";
import { useStore } from "../store.ts";
import type { Posting } from "../types.ts";

export function PostingPage({ id }: { id: string }) {
  const [posting, setPosting] = useState<Posting | null>(null);
  const [loadResult, setLoadResult] = useState<ApiResult | null>(null);
  const [deleteResult, setDeleteResult] = useState<ApiResult | null>(null);
  const [confirming, setConfirming] = useState(false);
  const user = useStore(session).current?.user;
  const confirmButton = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  const deletedHeading = useFocusWhenShown<HTMLHeadingElement>(deleteResult?.ok === true);

  // Keyboard users land on the question's answer, and back on "Delete…" if they keep the posting.
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
    else if (asked.current) deleteButton.current?.focus();
    asked.current = confirming || asked.current;
  }, [confirming]);

  useEffect(() => {
    void api<Posting>("Open a posting", "GET", `/postings/${encodeURIComponent(id)}`).then((r) => {
      setLoadResult(r);
      if (r.ok && r.body) setPosting(r.body);
    });
  }, [id]);

  const remove = async () => {
    const result = await api("Delete a posting", "DELETE", `/postings/${encodeURIComponent(id)}`, { auth: true });
    setDeleteResult(result);
    setConfirming(false);
  };

  if (deleteResult?.ok) {
    return (
      <>
        <h1 tabIndex={-1} ref={deletedHeading}>
          Posting deleted
        </h1>
        <Outcome result={deleteResult} success="The posting is gone from the board." />
        <p>
          <a href={href.board}>Back to the board</a>
        </p>
      </>
    );
  }
  if (!posting) {
    return (
      <>
        <h1 tabIndex={-1}>{loadResult ? "Posting not available" : "Loading…"}</h1>
        {loadResult && <Outcome result={loadResult} />}
        <p>
          <a href={href.board}>Back to the board</a>
        </p>
      </>
    );
  }
  const mine = user?.id === posting.authorId;
  const mayDelete = mine || user?.role === "admin";
  return (
    <article class="posting">
      <h1 tabIndex={-1}>{posting.title}</h1>
      <p class="byline">
        by <span class="author">{posting.authorName}</span>, <When iso={posting.createdAt} />
        {posting.updatedAt !== posting.createdAt && (
          <>
            {" "}
            (edited <When iso={posting.updatedAt} />)
          </>
        )}
      </p>
      <div class="text">{posting.body}</div>
      {(mine || mayDelete) && (
        <div class="actions">
          {mine && (
            <a class="button" href={href.edit(posting.id)}>
              Edit
            </a>
          )}
          {mayDelete && !confirming && (
            <button type="button" class="danger" ref={deleteButton} onClick={() => setConfirming(true)}>
              Delete…
            </button>
          )}
          {confirming && (
            <fieldset class="confirm">
              <legend>Delete this posting for good?</legend>
              <button type="button" class="danger" ref={confirmButton} onClick={() => void remove()}>
                Yes, delete it
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </fieldset>
          )}
        </div>
      )}
      <Outcome result={deleteResult} />
      <p>
        <a href={href.board}>Back to the board</a>
      </p>
    </article>
  );
}
