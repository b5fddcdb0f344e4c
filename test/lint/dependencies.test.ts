import { afterAll, describe, expect, it } from "vitest";
import { at, cleanup, lintText, of } from "./lintfile.js";

afterAll(cleanup);

describe("lint: the dependency graph", () => {
  it("dependency-cycle names every rule on the cycle by file:line", async () => {
    const text = `groups:
  - name: g1
    rules:
      - record: a
        expr: b + 1
  - name: g2
    rules:
      - record: b
        expr: a + 1
`;
    const l = await lintText(text);
    const found = of(l, "dependency-cycle");
    expect(found).toHaveLength(1);
    expect(`${found[0].line}:${found[0].col}`).toBe(at(text, "record: a"));
    expect(found[0].message).toContain(`record "a" (group "g1", ${l.file}:4)`);
    expect(found[0].message).toContain(`record "b" (group "g2", ${l.file}:8)`);
  });

  it("chain-order: a rule reading a rule later in its group, or in a group on another schedule", async () => {
    const text = `groups:
  - name: g
    rules:
      - alert: Early
        expr: late_sum > 1
      - record: late_sum
        expr: sum(up)
      - alert: Fine
        expr: late_sum > 2
  - name: cron
    cron: "*/5 * * * *"
    rules:
      - alert: FromCron
        expr: late_sum > 3
`;
    const l = await lintText(text);
    expect(of(l, "chain-order").map((w) => `${w.line}:${w.col}`)).toEqual([
      at(text, "late_sum > 1"),
      at(text, "late_sum > 3"),
    ]);
    expect(of(l, "chain-order")[0].message).toMatch(
      /rule "Early": it reads record "late_sum" \(group "g", .*:6\), which comes later in the same group/,
    );
  });

  it("chain-interval: a rule reading a group with a longer interval", async () => {
    const text = `groups:
  - name: slow
    interval: 5m
    rules:
      - record: slow_sum
        expr: sum(up)
  - name: fast
    interval: 1m
    rules:
      - alert: FromSlow
        expr: slow_sum > 1
  - name: slower
    interval: 10m
    rules:
      - alert: Ordered
        expr: slow_sum > 1
`;
    const l = await lintText(text);
    expect(of(l, "chain-interval").map((w) => `${w.line}:${w.col}`)).toEqual([at(text, "slow_sum > 1")]);
    expect(of(l, "chain-order")).toEqual([]);
  });

  it("a disable comment silences a graph finding for its rule", async () => {
    const text = `groups:
  - name: g
    rules:
      # tsalert-disable-next-line chain-order
      - alert: Early
        expr: late_sum > 1
      - record: late_sum
        expr: sum(up)
`;
    expect(of(await lintText(text), "chain-order")).toEqual([]);
  });
});
