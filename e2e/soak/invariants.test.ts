import { describe, expect, test } from "bun:test";
import { checkEvents, checkPostings, checkResponses, checkUsers, type FaultWindow, type Sample } from "./invariants.ts";
import { Ledger, outcomeOf } from "./ledger.ts";

const sample = (over: Partial<Sample>): Sample => ({
  route: "GET /postings",
  group: "postings",
  status: 200,
  problem: false,
  startedAt: 1_000,
  endedAt: 1_010,
  ...over,
});
const postgresDown: FaultWindow = {
  label: "SIGKILL postgres",
  startedAt: 1_000,
  endedAt: 2_000,
  groups: ["users", "postings"],
  noAnswerAllowed: false,
};

describe("checkResponses", () => {
  test("a 503 problem of a route whose part is down, during the fault or its grace, is excused", () => {
    expect(checkResponses([sample({ status: 503, problem: true, startedAt: 1_500, endedAt: 1_600 })], [postgresDown], 5_000)).toEqual([]);
    expect(checkResponses([sample({ status: 504, problem: true, startedAt: 6_900, endedAt: 6_950 })], [postgresDown], 5_000)).toEqual([]);
  });
  test("a 503 after the grace, or on a route that does not need the part, is a violation", () => {
    expect(checkResponses([sample({ status: 503, problem: true, startedAt: 7_100, endedAt: 7_200 })], [postgresDown], 5_000)).toHaveLength(
      1,
    );
    const notices = sample({ route: "GET /notice", group: "notices", status: 503, problem: true, startedAt: 1_500 });
    expect(checkResponses([notices], [postgresDown], 5_000)[0]?.invariant).toBe("503/504 only while a part it needs is down");
  });
  test("a 500 or 502 is never excused, nor a 503 without a problem body", () => {
    expect(checkResponses([sample({ status: 500, problem: true, startedAt: 1_500 })], [postgresDown], 5_000)[0]?.invariant).toBe(
      "no 5xx but 503/504",
    );
    expect(checkResponses([sample({ status: 503, problem: false, startedAt: 1_500 })], [postgresDown], 5_000)[0]?.invariant).toBe(
      "errors are problem+json",
    );
  });
  test("no answer at all is excused only while the gateway itself is down", () => {
    const gateway: FaultWindow = { ...postgresDown, groups: ["users", "postings", "notices"], noAnswerAllowed: true };
    expect(checkResponses([sample({ status: 0, startedAt: 1_500 })], [gateway], 5_000)).toEqual([]);
    expect(checkResponses([sample({ status: 0, startedAt: 1_500 })], [postgresDown], 5_000)).toHaveLength(1);
  });
});

describe("ledger and the data invariants", () => {
  const ledgerWithOneAuthor = () => {
    const ledger = new Ledger();
    const user = ledger.signedUp("u1", "a@x", "pw", "Ann");
    ledger.postingCreated("p1", "u1", "hello");
    return { ledger, user };
  };

  test("an acknowledged rename must hold; an unanswered one may or may not have happened", () => {
    const { ledger, user } = ledgerWithOneAuthor();
    ledger.renameSent(user, "Bea");
    ledger.renameAnswered(user, "Bea", outcomeOf(200));
    expect(checkUsers(ledger, new Map([["u1", "Ann"]]))[0]?.invariant).toBe("acknowledged rename kept");
    expect(checkUsers(ledger, new Map([["u1", "Bea"]]))).toEqual([]);
    ledger.renameSent(user, "Cy");
    ledger.renameAnswered(user, "Cy", outcomeOf(504));
    expect(checkUsers(ledger, new Map([["u1", "Bea"]]))).toEqual([]);
    expect(checkUsers(ledger, new Map([["u1", "Cy"]]))).toEqual([]);
    ledger.renameSent(user, "Di");
    ledger.renameAnswered(user, "Di", outcomeOf(400));
    expect(checkUsers(ledger, new Map([["u1", "Di"]]))).toHaveLength(1);
  });

  test("an acknowledged posting must exist with its title and its author's current name", () => {
    const { ledger } = ledgerWithOneAuthor();
    const users = new Map([["u1", "Ann"]]);
    expect(checkPostings(ledger, users, new Map())[0]?.invariant).toBe("acknowledged posting kept");
    expect(checkPostings(ledger, users, new Map([["p1", { authorId: "u1", authorName: "Ann", title: "hello" }]]))).toEqual([]);
    expect(checkPostings(ledger, users, new Map([["p1", { authorId: "u1", authorName: "Old", title: "hello" }]]))[0]?.invariant).toBe(
      "user.updated applied",
    );
  });

  test("a deleted account leaves no posting; an acknowledged account deletion holds", () => {
    const { ledger, user } = ledgerWithOneAuthor();
    ledger.deleteSent(user);
    expect(ledger.livePostings()).toEqual([]);
    ledger.deleteAnswered(user, outcomeOf(204));
    const left = new Map([["p1", { authorId: "u1", authorName: "Ann", title: "hello" }]]);
    expect(checkPostings(ledger, new Map(), left)[0]?.invariant).toBe("user.deleted applied");
    expect(checkPostings(ledger, new Map(), new Map())).toEqual([]);
    expect(checkUsers(ledger, new Map([["u1", "Ann"]]))[0]?.invariant).toBe("acknowledged deletion kept");
  });

  test("events: published and processed exactly once", () => {
    expect(checkEvents([{ id: "e1", type: "user.updated", published: true, processedCount: 1 }])).toEqual([]);
    expect(checkEvents([{ id: "e1", type: "user.updated", published: false, processedCount: 0 }])[0]?.invariant).toBe("events published");
    expect(checkEvents([{ id: "e1", type: "user.deleted", published: true, processedCount: 0 }])[0]?.detail).toContain("never processed");
    expect(checkEvents([{ id: "e1", type: "user.deleted", published: true, processedCount: 2 }])[0]?.detail).toContain("2 times");
  });
});
