import { useEffect, useState } from "preact/hooks";
import { Field } from "../components/field.tsx";
import { fieldErrors, Outcome } from "../components/outcome.tsx";
import { When } from "../components/when.tsx";
import { useFocusWhenShown } from "../focus.ts";
import type { ApiResult } from "../http.ts";
import { href } from "../router.ts";
import { api, forgetSession, renamed } from "../session.ts";
import type { User } from "../types.ts";

function RenameForm({ user, onRenamed }: { user: User; onRenamed: (u: User) => void }) {
  const [name, setName] = useState(user.name);
  const [result, setResult] = useState<ApiResult | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const r = await api<User>("Rename", "PATCH", "/user", { auth: true, json: { name } });
    setResult(r);
    if (r.ok && r.body) {
      renamed(r.body.name);
      onRenamed(r.body);
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="rename-title">
      <h2 id="rename-title">Your name</h2>
      <Field id="name" label="Name shown on your postings" value={name} onInput={setName} error={fieldErrors(result).name} required />
      <button type="submit">Rename</button>
      <Outcome result={result} success="Renamed. Your postings show the new name within a few seconds (users → event → postings)." />
    </form>
  );
}

function PasswordForm() {
  const [currentPassword, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [result, setResult] = useState<ApiResult | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const r = await api<User>("Change password", "PATCH", "/user", { auth: true, json: { currentPassword, password } });
    setResult(r);
    if (r.ok) {
      setCurrent("");
      setPassword("");
    }
  };
  const errors = fieldErrors(result);
  return (
    <form onSubmit={submit} noValidate aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <Field
        id="current-password"
        label="Current password"
        type="password"
        value={currentPassword}
        onInput={setCurrent}
        error={errors.currentPassword}
        autoComplete="current-password"
        required
      />
      <Field
        id="new-password"
        label="New password"
        type="password"
        hint="At least 8 characters. Other devices are logged out."
        value={password}
        onInput={setPassword}
        error={errors.password}
        autoComplete="new-password"
        required
      />
      <button type="submit">Change password</button>
      <Outcome result={result} success="Password changed." />
    </form>
  );
}

function DeleteAccount({ onDeleted }: { onDeleted: (r: ApiResult) => void }) {
  const [sure, setSure] = useState(false);
  const [result, setResult] = useState<ApiResult | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const r = await api("Delete account", "DELETE", "/user", { auth: true });
    setResult(r);
    if (r.ok) onDeleted(r);
  };
  return (
    <form onSubmit={submit} aria-labelledby="delete-title" class="danger-zone">
      <h2 id="delete-title">Delete your account</h2>
      <p>Your account and all your postings disappear (postings within a few seconds, through an event).</p>
      <div class="check">
        <input id="delete-sure" type="checkbox" checked={sure} onChange={(e) => setSure(e.currentTarget.checked)} />
        <label for="delete-sure">Yes, delete my account and my postings</label>
      </div>
      <button type="submit" class="danger" disabled={!sure}>
        Delete account
      </button>
      <Outcome result={result} />
    </form>
  );
}

export function ProfilePage() {
  const [user, setUser] = useState<User | null>(null);
  const [load, setLoad] = useState<ApiResult | null>(null);
  const [deleted, setDeleted] = useState<ApiResult | null>(null);
  const deletedHeading = useFocusWhenShown<HTMLHeadingElement>(deleted !== null);
  useEffect(() => {
    void api<User>("Open your profile", "GET", "/user", { auth: true }).then((r) => {
      setLoad(r);
      if (r.ok && r.body) setUser(r.body);
    });
  }, []);

  if (deleted) {
    return (
      <>
        <h1 tabIndex={-1} ref={deletedHeading}>
          Account deleted
        </h1>
        <Outcome result={deleted} success="Your account is gone; your postings leave the board within a few seconds." />
        <p>
          <a href={href.board}>Back to the board</a>
        </p>
      </>
    );
  }
  if (!user) {
    return (
      <>
        <h1 tabIndex={-1}>Your profile</h1>
        {load ? <Outcome result={load} /> : <p>Loading…</p>}
      </>
    );
  }
  return (
    <>
      <h1 tabIndex={-1}>Your profile</h1>
      <dl class="facts">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Name</dt>
        <dd>{user.name}</dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
        <dt>Member since</dt>
        <dd>
          <When iso={user.createdAt} />
        </dd>
      </dl>
      <RenameForm user={user} onRenamed={setUser} />
      <PasswordForm />
      <DeleteAccount
        onDeleted={(r) => {
          setDeleted(r);
          void forgetSession();
        }}
      />
    </>
  );
}
