import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { schemaProblems } from "../../src/config/schema.js";

const root = new URL("../../", import.meta.url);
const schema = JSON.parse(readFileSync(new URL("rules.schema.json", root), "utf8")) as Record<string, unknown>;
const fixture = (name: string) =>
  parseAllDocuments(readFileSync(new URL(`test/fixtures/${name}`, root), "utf8")).map((d) => d.toJS());

describe("rules.schema.json", () => {
  it("is a draft-07 schema that a plain validator (as editors use) compiles", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    const validate = new Ajv({ allErrors: true }).compile(schema);
    for (const doc of [...fixture("groups-good.rules"), ...fixture("k8s-prometheusrule-good.yaml")]) {
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it("knows every group and rule field the loader reads", () => {
    const defs = schema.definitions as Record<string, { properties: Record<string, unknown> }>;
    expect(Object.keys(defs.group.properties).sort()).toEqual(
      [
        "checksum",
        "concurrency",
        "cron",
        "debug",
        "eval_alignment",
        "eval_delay",
        "eval_offset",
        "file",
        "headers",
        "interval",
        "labels",
        "limit",
        "name",
        "notifier_headers",
        "params",
        "query_offset",
        "rules",
        "tenant",
        "type",
      ].sort(),
    );
    expect(Object.keys(defs.rule.properties).sort()).toEqual(
      [
        "alert",
        "annotations",
        "debug",
        "expr",
        "for",
        "id",
        "keep_firing_for",
        "labels",
        "record",
        "update_entries_limit",
      ].sort(),
    );
  });

  it("turns schema errors into messages with paths", () => {
    const problems = schemaProblems({
      groups: [{ name: "g", rules: [{ alert: "a", expr: "up", partial_response_strategy: "warn" }] }],
      x: 1,
    });
    expect(problems).toEqual([
      { path: ["x"], which: "key", message: 'unknown field "x" in config' },
      {
        path: ["groups", 0, "rules", 0, "partial_response_strategy"],
        which: "key",
        message: 'unknown field "partial_response_strategy" in rule',
      },
    ]);
    expect(schemaProblems({ groups: [{ rules: [{ alert: "a" }] }] }).map((p) => p.message)).toEqual([
      "group name must be set",
      "expression can't be empty",
    ]);
  });
});
