import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { ActionLog } from "./components/action-log.tsx";
import { BoardPage } from "./pages/board.tsx";
import { LoginPage } from "./pages/login.tsx";
import { NoticesPage } from "./pages/notices.tsx";
import { PostingPage } from "./pages/posting.tsx";
import { PostingFormPage } from "./pages/posting-form.tsx";
import { ProfilePage } from "./pages/profile.tsx";
import { SignupPage } from "./pages/signup.tsx";
import { TracePage } from "./pages/trace.tsx";
import { href, navigate, type Route, useRoute } from "./router.ts";
import { logOut, refresh, session } from "./session.ts";
import { useStore } from "./store.ts";

function RequireSession({ children }: { children: ComponentChildren }) {
  const { state, current } = useStore(session);
  if (state === "restoring") return <p role="status">Restoring your session…</p>;
  if (!current) {
    return (
      <>
        <h1 tabIndex={-1}>Log in first</h1>
        <p>
          This page needs an account: <a href={href.login}>log in</a> or <a href={href.signup}>sign up</a>.
        </p>
      </>
    );
  }
  return <>{children}</>;
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "board":
      return <BoardPage />;
    case "posting":
      return <PostingPage id={route.id} />;
    case "write":
      return (
        <RequireSession>
          <PostingFormPage />
        </RequireSession>
      );
    case "edit":
      return (
        <RequireSession>
          <PostingFormPage id={route.id} />
        </RequireSession>
      );
    case "signup":
      return <SignupPage />;
    case "login":
      return <LoginPage />;
    case "profile":
      return <ProfilePage />;
    case "notices":
      return (
        <RequireSession>
          <NoticesPage />
        </RequireSession>
      );
    case "trace":
      return <TracePage id={route.id} />;
    case "not-found":
      return (
        <>
          <h1 tabIndex={-1}>No such page</h1>
          <p>
            Nothing lives at <code>{route.path}</code>. <a href={href.board}>Go to the board</a>.
          </p>
        </>
      );
  }
}

function Header() {
  const { current } = useStore(session);
  const out = async () => {
    const r = await logOut();
    if (r.ok) navigate(href.board);
  };
  return (
    <header class="site-header">
      <a class="brand" href={href.board}>
        msa-board
      </a>
      <nav aria-label="Main">
        <ul>
          <li>
            <a href={href.board}>Board</a>
          </li>
          {current ? (
            <>
              <li>
                <a href={href.write}>Write</a>
              </li>
              {current.user.role === "admin" && (
                <li>
                  <a href={href.notices}>Notices</a>
                </li>
              )}
              <li>
                <a href={href.profile}>
                  Profile (<span class="whoami">{current.user.name}</span>)
                </a>
              </li>
              <li>
                <button type="button" class="link" onClick={() => void out()}>
                  Log out
                </button>
              </li>
            </>
          ) : (
            <>
              <li>
                <a href={href.login}>Log in</a>
              </li>
              <li>
                <a href={href.signup}>Sign up</a>
              </li>
            </>
          )}
        </ul>
      </nav>
    </header>
  );
}

export function App() {
  const { route, key } = useRoute();
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    void refresh("Restore session");
  }, []);

  // A new page moves focus to its heading, so keyboard and screen-reader users start there.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const heading = main.current?.querySelector<HTMLElement>("h1");
    (heading ?? main.current)?.focus();
    window.scrollTo(0, 0);
  }, [route]);

  return (
    <>
      <Header />
      {/* A waterfall needs the width: the action panel moves below it. */}
      <div class={route.page === "trace" ? "layout layout-wide" : "layout"}>
        <main ref={main} tabIndex={-1}>
          <Page key={key} route={route} />
        </main>
        <ActionLog />
      </div>
      <footer class="site-footer">
        <p>
          msa-board: users, postings and notices behind Envoy, traced in Jaeger. Every action lists its <code>x-trace-id</code> on the
          right.
        </p>
      </footer>
    </>
  );
}
