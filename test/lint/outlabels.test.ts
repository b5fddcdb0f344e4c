// The label model behind dropped-label, checked against what a real VictoriaMetrics returns: a label the
// model calls dropped must be absent from every result series (no false warnings), and for the
// expressions below the model must also know which labels survive (the check finds real mistakes).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drops, outLabels } from "../../src/lint/outlabels.js";
import { parse } from "../../src/metricsql/index.js";
import { importSeries, type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";

let vm: RunningServer;
const LABELS = ["job", "instance", "env", "le", "version", "owner", "dst"];

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  const now = Date.now();
  const s = (labels: Record<string, string>, v = 5) => ({ labels, values: [v], timestamps: [now] });
  await importSeries(vm.url, [
    s({ __name__: "a", job: "x", instance: "i1", env: "prod" }),
    s({ __name__: "a", job: "y", instance: "i2", env: "dev" }),
    s({ __name__: "b", job: "x", instance: "i3" }, 1),
    s({ __name__: "b", job: "y", instance: "i4" }, 1),
    s({ __name__: "owner_info", job: "x", owner: "team" }, 1),
    s({ __name__: "h_bucket", job: "x", instance: "i1", le: "1" }, 1),
    s({ __name__: "h_bucket", job: "x", instance: "i1", le: "+Inf" }, 2),
  ]);
  await waitFor(
    async () => {
      const res = await fetch(`${vm.url}/api/v1/query?query=count({__name__=~"a|b|owner_info|h_bucket"})`);
      const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
      return body.data.result[0]?.value[1] === "7";
    },
    20_000,
    "imported series to be searchable",
  );
});

afterAll(async () => {
  await vm?.stop();
});

async function resultLabels(expr: string): Promise<Set<string>> {
  const res = await fetch(`${vm.url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  const body = (await res.json()) as { data: { result: { metric: Record<string, string> }[] } };
  expect(body.data.result.length, `${expr} returns something`).toBeGreaterThan(0);
  return new Set(body.data.result.flatMap((r) => Object.keys(r.metric)));
}

/** Expression -> the labels the model must say are kept (the rest of LABELS it must say are dropped). */
const CASES: [string, string[]][] = [
  ["sum(a)", []],
  ["sum by (job) (a)", ["job"]],
  ["max without (instance) (a)", ["job", "env", "le", "version", "owner", "dst"]],
  ["a > on (job) b", ["job"]],
  ["a + ignoring (instance, env) b", ["job", "le", "version", "owner", "dst"]],
  ["sum by (job) (a) * on (job) group_left (owner) owner_info", ["job", "owner"]],
  ['absent(nope{job="x", env=~"p.*"})', ["job"]],
  ["vector(1)", []],
  ['count_values("version", a)', ["version"]],
  ['label_replace(sum(a), "dst", "v", "", "")', ["dst"]],
  ["histogram_quantile(0.9, sum by (le, job) (h_bucket))", ["job"]],
  ['label_del(a, "env")', ["job", "instance", "le", "version", "owner", "dst"]],
  ['label_keep(a, "job", "env")', ["job", "env"]],
];

describe("outLabels against VictoriaMetrics", () => {
  for (const [expr, kept] of CASES) {
    it(expr, async () => {
      const model = outLabels(parse(expr));
      const real = await resultLabels(expr);
      for (const l of LABELS) {
        // Soundness: never call a label dropped that the real result has.
        if (real.has(l)) expect(drops(model, l), `${l} is in the result`).toBe(false);
        expect(drops(model, l), `model keeps ${l}?`).toBe(!kept.includes(l));
      }
    });
  }
});
