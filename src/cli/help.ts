// -help text and the README flag table, both generated from the flag table.
import { FLAGS, type FlagDef } from "./flags.js";

const TYPE_WORD: Record<FlagDef["type"], string> = {
  string: "string",
  bool: "",
  int: "int",
  float: "float",
  duration: "duration",
  size: "size",
  array: "array",
  arrayDuration: "array of durations",
  arrayBool: "array of bools",
  arrayInt: "array of ints",
  arraySize: "array of sizes",
};

function shownDefault(def: FlagDef): string {
  if (def.defaultText) return def.defaultText;
  if (def.default === "" || (def.type === "bool" && def.default === "false")) return "";
  return def.default;
}

export function helpText(version: string): string {
  const lines = [
    `tsalert ${version}: evaluates alerting and recording rules (vmalert-compatible).`,
    "",
    "Usage:",
    "  tsalert [flags]                      run the rule engine",
    "  tsalert -dryRun -rule=FILES          check rule files and exit",
    "  tsalert lint [--format=text|json|github] [flags] FILES...   checks beyond syntax",
    "  tsalert unittest [flags] TEST_FILES...                      rule unit tests (vmalert-tool, promtool)",
    "  tsalert -replay.timeFrom=T [flags]   backfill rules over a past range (also: tsalert replay ...)",
    "  tsalert replay --compare OLD NEW --from=T --to=T             alerts that fire differently",
    "",
    "Flags:",
  ];
  for (const def of [...FLAGS].sort((a, b) => a.name.localeCompare(b.name))) {
    const type = TYPE_WORD[def.type];
    lines.push(`  -${def.name}${type ? ` ${type}` : ""}`);
    const d = shownDefault(def);
    const notes = [
      def.ignored ? "ignored" : "",
      def.tsalertOnly ? "tsalert only" : "",
      def.unsupported ? "not supported: an error when set" : "",
    ].filter(Boolean);
    lines.push(`    \t${def.help}${notes.length ? ` [${notes.join(", ")}]` : ""}${d ? ` (default ${d})` : ""}`);
  }
  return `${lines.join("\n")}\n`;
}

function mdCell(text: string): string {
  return text.replaceAll("|", "\\|");
}

/** Markdown table of all flags for README.md. */
export function flagsMarkdownTable(): string {
  const rows = ["| flag | type | default | description |", "| --- | --- | --- | --- |"];
  for (const def of [...FLAGS].sort((a, b) => a.name.localeCompare(b.name))) {
    const d = shownDefault(def);
    const notes = [
      def.ignored ? "accepted, no effect" : "",
      def.tsalertOnly ? "tsalert only" : "",
      def.unsupported ? `not supported, an error when set: ${def.unsupported}` : "",
    ].filter(Boolean);
    const help = `${def.help}${notes.length ? ` (${notes.join("; ")})` : ""}${def.secret ? " — secret, never printed" : ""}`;
    rows.push(
      `| \`-${def.name}\` | ${def.type} | ${d ? `\`${mdCell(d)}\`` : ""} | ${mdCell(help.replaceAll("`", ""))} |`,
    );
  }
  return `${rows.join("\n")}\n`;
}
