import { useEffect, useState } from "preact/hooks";
import { Field } from "../components/field.tsx";
import { fieldErrors, Outcome } from "../components/outcome.tsx";
import { When } from "../components/when.tsx";
import type { ApiResult } from "../http.ts";
import { api, session } from "../session.ts";
import { useStore } from "../store.ts";
import type { Notice } from "../types.ts";

function NoticeForm({ notice, onSaved, onCancel }: { notice?: Notice; onSaved: () => void; onCancel?: () => void }) {
  const [title, setTitle] = useState(notice?.title ?? "");
  const [body, setBody] = useState(notice?.body ?? "");
  const [result, setResult] = useState<ApiResult | null>(null);
  const prefix = notice ? `notice-${notice.id}` : "new-notice";
  const submit = async (event: Event) => {
    event.preventDefault();
    const r = notice
      ? await api("Save a notice", "PATCH", `/notice/${encodeURIComponent(notice.id)}`, { auth: true, json: { title, body } })
      : await api("Post a notice", "POST", "/notice", { auth: true, json: { title, body } });
    setResult(r);
    if (r.ok) {
      if (!notice) {
        setTitle("");
        setBody("");
      }
      onSaved();
    }
  };
  const errors = fieldErrors(result);
  return (
    <form onSubmit={submit} noValidate aria-label={notice ? `Edit notice ${notice.title}` : "New notice"}>
      <Field id={`${prefix}-title`} label="Title" value={title} onInput={setTitle} error={errors.title} maxLength={200} required />
      <Field id={`${prefix}-body`} label="Text" value={body} onInput={setBody} error={errors.body} multiline maxLength={10000} required />
      <button type="submit">{notice ? "Save notice" : "Post notice"}</button>
      {onCancel && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
      <Outcome result={result} success={notice ? "Notice saved." : "Notice posted: it is on top of the board."} />
    </form>
  );
}

/** The admins' editor for the notices on top of the board. Others may look; notices will refuse them (403). */
export function NoticesPage() {
  const [notices, setNotices] = useState<Notice[]>([]);
  const [editing, setEditing] = useState<string | null>(null);
  const [last, setLast] = useState<ApiResult | null>(null);
  const isAdmin = useStore(session).current?.user.role === "admin";

  const load = async () => {
    const r = await api<{ items: Notice[] }>("Load notices", "GET", "/notice");
    if (r.ok) setNotices(r.body?.items ?? []);
    else setLast(r);
  };
  useEffect(() => {
    void load();
  }, []);

  const remove = async (notice: Notice) => {
    const r = await api("Delete a notice", "DELETE", `/notice/${encodeURIComponent(notice.id)}`, { auth: true });
    setLast(r);
    if (r.ok) await load();
  };

  return (
    <>
      <h1 tabIndex={-1}>Notices</h1>
      {!isAdmin && (
        <p class="note" role="note">
          Only admins may post notices. You can try: the notices service checks your role itself and will refuse.
        </p>
      )}
      <section aria-labelledby="new-notice-heading">
        <h2 id="new-notice-heading">New notice</h2>
        <NoticeForm onSaved={() => void load()} />
      </section>
      <section aria-labelledby="current-notices-heading">
        <h2 id="current-notices-heading">Current notices</h2>
        {notices.length === 0 && <p>No notices.</p>}
        <ul class="notice-list">
          {notices.map((n) => (
            <li key={n.id}>
              {editing === n.id ? (
                <NoticeForm
                  notice={n}
                  onSaved={() => {
                    setEditing(null);
                    void load();
                  }}
                  onCancel={() => setEditing(null)}
                />
              ) : (
                <>
                  <h3>{n.title}</h3>
                  <p class="text">{n.body}</p>
                  <p class="byline">
                    <When iso={n.updatedAt} />
                  </p>
                  <button type="button" onClick={() => setEditing(n.id)} aria-label={`Edit notice ${n.title}`}>
                    Edit
                  </button>{" "}
                  <button type="button" class="danger" onClick={() => void remove(n)} aria-label={`Delete notice ${n.title}`}>
                    Delete
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
        <Outcome result={last} success="Notice deleted." />
      </section>
    </>
  );
}
