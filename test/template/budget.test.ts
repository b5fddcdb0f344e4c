// The budgets of one rendering: steps, execution time (shared by one alert's texts) and distinct queries.
import { describe, expect, it } from "vitest";
import type { Metric } from "../../src/datasource/types.js";
import { MAX_STEPS } from "../../src/template/exec.js";
import {
  type AlertTemplateData,
  compileTemplate,
  createRenderBudget,
  type RenderContext,
} from "../../src/template/index.js";
import { MAX_QUERIES } from "../../src/template/limits.js";

const DATA: AlertTemplateData = { labels: { job: "a" }, value: 1, expr: "x", externalLabels: {}, externalURL: "" };
/** 5,000,000 steps take seconds; this budget runs out long before. */
const SMALL_BUDGET_MS = 10;
/** Far more than the few microseconds the ordinary templates below need, even on a busy machine. */
const AMPLE_BUDGET_MS = 150;
const TIME_UP = `template execution exceeded the time budget of ${SMALL_BUDGET_MS}ms (-rule.templateTimeout)`;

function counting(): RenderContext & { asked: string[] } {
  const asked: string[] = [];
  return {
    externalURL: "",
    asked,
    async query(expr: string): Promise<Metric[]> {
      asked.push(expr);
      return [{ labels: { q: expr }, timestamp: 0, value: asked.length }];
    },
  };
}

describe("step budget", () => {
  it("counts range iterations, even with an empty body", async () => {
    await expect(
      compileTemplate(`{{ range ${MAX_STEPS + 1} }}{{ end }}`).render(DATA, { externalURL: "" }),
    ).rejects.toThrow(`template execution exceeded ${MAX_STEPS} steps`);
  });
});

describe("time budget", () => {
  it("stops a long loop with a message that names the budget and no position", async () => {
    const budget = createRenderBudget(SMALL_BUDGET_MS, "-rule.templateTimeout");
    const t = compileTemplate("{{ range 4900000 }}{{ end }}done");
    const err = await t.render(DATA, { externalURL: "", budget }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(TIME_UP);
    expect(budget.exhausted).toBe(true);
  });

  it("is one budget for all texts of an alert: once spent, the next text fails without running", async () => {
    const budget = createRenderBudget(SMALL_BUDGET_MS, "-rule.templateTimeout");
    const ctx = { ...counting(), budget };
    await expect(compileTemplate("{{ range 4900000 }}{{ end }}").render(DATA, ctx)).rejects.toThrow(TIME_UP);
    await expect(compileTemplate('{{ query "up" | len }}').render(DATA, ctx)).rejects.toThrow(TIME_UP);
    await expect(compileTemplate("{{ $labels.job }}").render(DATA, ctx)).rejects.toThrow(TIME_UP);
    expect(ctx.asked).toEqual([]);
  });

  it("counts execution, not the wait for query answers", async () => {
    const budget = createRenderBudget(AMPLE_BUDGET_MS, "-rule.templateTimeout");
    const slow: RenderContext = {
      externalURL: "",
      budget,
      query: () => new Promise((resolve) => setTimeout(() => resolve([]), AMPLE_BUDGET_MS)),
    };
    expect(await compileTemplate('{{ query "a" | len }}{{ query "b" | len }}').render(DATA, slow)).toBe("00");
    expect(budget.exhausted).toBe(false);
  });

  it("leaves ordinary templates alone and is off with 0", async () => {
    const t = compileTemplate(
      '{{ range $k, $v := $labels }}{{ $k }}={{ $v | toUpper }}{{ end }} {{ printf "%.2f" $value }}',
    );
    expect(await t.render(DATA, { externalURL: "", budget: createRenderBudget(AMPLE_BUDGET_MS) })).toBe("job=A 1.00");
    const off = createRenderBudget(0);
    expect(off.deadline).toBe(Number.POSITIVE_INFINITY);
    expect(await compileTemplate("{{ range 100000 }}{{ end }}ok").render(DATA, { externalURL: "", budget: off })).toBe(
      "ok",
    );
  });
});

describe("distinct queries", () => {
  const loop = (n: number, tag = "q") => `{{ range $i := ${n} }}{{ query (printf "${tag}%d" $i) | len }}{{ end }}`;

  it(`allows ${MAX_QUERIES} per rendering and refuses one more with a clear error`, async () => {
    const ok = counting();
    expect(await compileTemplate(loop(MAX_QUERIES)).render(DATA, ok)).toBe("1".repeat(MAX_QUERIES));
    expect(ok.asked).toHaveLength(MAX_QUERIES);

    const over = counting();
    await expect(compileTemplate(loop(MAX_QUERIES + 10)).render(DATA, over)).rejects.toThrow(
      /executing "" at <query .*>: error calling query: too many distinct queries in one rendering: at most 32 are allowed$/,
    );
    expect(over.asked).toHaveLength(MAX_QUERIES);
  });

  it("repeats of one expression count once", async () => {
    const ctx = counting();
    const text = `{{ range ${MAX_QUERIES * 4} }}{{ query "same" | len }}{{ end }}`;
    expect(await compileTemplate(text).render(DATA, ctx)).toBe("1".repeat(MAX_QUERIES * 4));
    expect(ctx.asked).toEqual(["same"]);
  });

  it("are counted over all texts of one alert when they share a budget", async () => {
    const ctx = { ...counting(), budget: createRenderBudget(0) };
    const half = MAX_QUERIES / 2;
    await compileTemplate(loop(half, "a")).render(DATA, ctx);
    await compileTemplate(loop(half, "a")).render(DATA, ctx);
    await expect(compileTemplate(loop(half, "b")).render(DATA, ctx)).resolves.toBe("1".repeat(half));
    await expect(compileTemplate(loop(1, "c")).render(DATA, ctx)).rejects.toThrow("too many distinct queries");
  });
});
