// record-name: recording rule names in Prometheus' `level:metric:operations` form, e.g.
// `job:http_requests:rate5m`, so a reader can tell a recorded series from a scraped one and what it holds.
import { finding } from "../finding.js";
import type { Finding, LintCheck, LintContext } from "../types.js";

/** Why a name is not `level:metric:operations`; null when it is. */
export function recordNameProblem(name: string): string | null {
  const parts = name.split(":");
  if (parts.length === 1) return "it has no colons";
  if (parts.length === 2) return "it has two parts, not three";
  // An empty level (`:node_memory:sum`) is the convention for "no labels left"; metric and operations are not optional.
  const metric = parts[1];
  const ops = parts.slice(2).join(":");
  if (metric === "") return "the metric part is empty";
  if (ops === "" || parts.slice(2).some((p) => p === "")) return "the operations part is empty";
  return null;
}

function check(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  for (const r of ctx.rules) {
    const name = r.rule.record;
    if (name === undefined) continue;
    const why = recordNameProblem(name);
    if (why) {
      out.push(
        finding(
          r,
          r.at.key("record"),
          `recording rule name ${JSON.stringify(name)} is not in level:metric:operations form (${why}), e.g. "job:http_requests:rate5m"`,
        ),
      );
    }
  }
  return out;
}

export const recordName: LintCheck = {
  id: "record-name",
  summary: "recording rule name not in level:metric:operations form",
  run: check,
};
