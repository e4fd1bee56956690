import { useEffect, useState } from "preact/hooks";
import { Field } from "../components/field.tsx";
import { fieldErrors, Outcome } from "../components/outcome.tsx";
import type { ApiResult } from "../http.ts";
import { href, navigate } from "../router.ts";
import { api } from "../session.ts";
import type { Posting } from "../types.ts";

/** Write a new posting, or edit one of your own (`id`). */
export function PostingFormPage({ id }: { id?: string }) {
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [result, setResult] = useState<ApiResult | null>(null);
  const [busy, setBusy] = useState(false);
  // Editing: the form appears once the posting is there, never empty first.
  const [loaded, setLoaded] = useState(!id);

  useEffect(() => {
    if (!id) return;
    void api<Posting>("Open a posting to edit", "GET", `/postings/${encodeURIComponent(id)}`).then((r) => {
      if (r.ok && r.body) {
        setTitle(r.body.title);
        setBody(r.body.body);
        setLoaded(true);
      } else setResult(r);
    });
  }, [id]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const r = id
      ? await api<Posting>("Save a posting", "PATCH", `/postings/${encodeURIComponent(id)}`, { auth: true, json: { title, body } })
      : await api<Posting>("Post", "POST", "/postings", { auth: true, json: { title, body } });
    setBusy(false);
    setResult(r);
    if (r.ok && r.body) navigate(href.posting(r.body.id));
  };

  const errors = fieldErrors(result);
  return (
    <>
      <h1 tabIndex={-1}>{id ? "Edit your posting" : "Write a posting"}</h1>
      {!loaded && !result && <p role="status">Loading your posting…</p>}
      {loaded && (
        <form onSubmit={submit} noValidate>
          <Field id="title" label="Title" value={title} onInput={setTitle} error={errors.title} maxLength={200} required />
          <Field id="body" label="Text" value={body} onInput={setBody} error={errors.body} multiline maxLength={20000} required />
          <button type="submit" disabled={busy}>
            {id ? "Save" : "Post"}
          </button>
        </form>
      )}
      <Outcome result={result} />
    </>
  );
}
