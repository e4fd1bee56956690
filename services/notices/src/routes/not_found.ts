import { ProblemError } from "../http/problem.ts";

export const noticeNotFound = (id: string) =>
  new ProblemError("not-found", `There is no notice with id ${JSON.stringify(id.slice(0, 64))}.`);
