import { describe, expect, test } from "bun:test";
import { href, parseRoute } from "./router.ts";

describe("parseRoute", () => {
  test("every page has its fragment, and href builds it back", () => {
    expect(parseRoute("")).toEqual({ page: "board" });
    expect(parseRoute("#/")).toEqual({ page: "board" });
    expect(parseRoute(href.posting("a b/c"))).toEqual({ page: "posting", id: "a b/c" });
    expect(parseRoute(href.edit("p-1"))).toEqual({ page: "edit", id: "p-1" });
    expect(parseRoute(href.trace("4bf92f3577b34da6a3ce929d0e0e4736"))).toEqual({ page: "trace", id: "4bf92f3577b34da6a3ce929d0e0e4736" });
    for (const page of ["write", "signup", "login", "profile", "notices"] as const) expect(parseRoute(href[page])).toEqual({ page });
  });

  test("a query after the page (login's prefilled email) does not change the page", () => {
    expect(parseRoute("#/login?email=a%40b.c&created=1")).toEqual({ page: "login" });
  });

  test("anything else is not found", () => {
    expect(parseRoute("#/postings/1/comments")).toEqual({ page: "not-found", path: "/postings/1/comments" });
    expect(parseRoute("#/admin")).toEqual({ page: "not-found", path: "/admin" });
  });
});
