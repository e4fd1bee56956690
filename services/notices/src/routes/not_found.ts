import { ProblemError } from "@msa-board/service-kit/problem";

export const noticeNotFound = (id: string) =>
  new ProblemError("not-found", `There is no notice with id ${JSON.stringify(id.slice(0, 64))}.`);
