// Builders for the rule engine's tests: engine deps over the fakes that live beside the code they fake
// (FakeQuerier, RecordingNotifier, createMemoryWriter, FakeClock), a stand-in template engine, and configs.
import { pino } from "pino";
import { DEFAULT_GROUP_DEFAULTS, withGroupDefaults } from "../../src/config/effective.js";
import type { EffectiveGroupConfig, GroupConfig, GroupDefaults, RuleConfig } from "../../src/config/types.js";
import { FakeQuerier, fakeSeries } from "../../src/datasource/fake.js";
import { RecordingNotifier, staticNotifierSet } from "../../src/notifier/fake.js";
import { createMemoryWriter, type MemoryWriter } from "../../src/remotewrite/memory.js";
import type { TimeSeries } from "../../src/remotewrite/types.js";
import { FakeClock } from "../../src/rule/clock.js";
import type { CompileTemplate, EngineDeps, EngineSettings } from "../../src/rule/types.js";
import { compileTemplate } from "../../src/template/index.js";
import type { CompiledTemplate } from "../../src/template/types.js";

export const series = fakeSeries;

export function nameOf(s: TimeSeries): string {
  return s.labels.find((l) => l.name === "__name__")?.value ?? "";
}

export function labelMap(s: TimeSeries): Record<string, string> {
  return Object.fromEntries(s.labels.map((l) => [l.name, l.value]));
}

/**
 * A stand-in template engine: `{{ $value }}`, `{{ $labels.x }}`, `{{ $activeAt }}` (ms), `{{ $for }}` (ms),
 * `{{ $alertID }}`, `{{ $groupID }}`, `{{ $expr }}`; `{{ fail }}` throws.
 */
export const stubCompile: CompileTemplate = (text) => {
  const tpl: CompiledTemplate = {
    async render(data) {
      return text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
        if (expr === "fail") throw new Error("template: boom");
        if (expr === "$value") return String(data.value);
        if (expr === "$expr") return data.expr;
        if (expr === "$alertID") return data.alertID ?? "";
        if (expr === "$groupID") return data.groupID ?? "";
        if (expr === "$activeAt") return String(data.activeAt?.getTime() ?? "");
        if (expr === "$for") return String(data.for ?? "");
        if (expr.startsWith("$labels.")) return data.labels[expr.slice(8)] ?? "";
        return `?${expr}`;
      });
    },
  };
  return tpl;
};

export const silentLogger = pino({ level: "silent" });

export const START = Date.UTC(2026, 7, 20, 8, 0, 0);

export function settings(over: Partial<EngineSettings> = {}): EngineSettings {
  return {
    resendDelay: 0,
    maxResolveDuration: 0,
    externalLabels: {},
    externalURL: "http://tsalert:8880",
    externalURLRaw: "",
    disableAlertgroupLabel: false,
    maxStartDelay: 300_000,
    updateEntriesLimit: 20,
    maxActiveAlerts: 0,
    ...over,
  };
}

export interface TestDeps extends EngineDeps {
  clock: FakeClock;
  q: FakeQuerier;
  am: RecordingNotifier;
  w: MemoryWriter;
}

export function makeDeps(over: Partial<EngineSettings> = {}, extra: Partial<EngineDeps> = {}): TestDeps {
  const clock = new FakeClock(START);
  const q = new FakeQuerier();
  const am = new RecordingNotifier("http://am:9093/api/v2/alerts");
  const w = createMemoryWriter();
  return {
    querierFactory: q,
    notifiers: staticNotifierSet(am),
    writer: w,
    compileTemplate: (text: string, opts?: { limited?: boolean }) => compileTemplate(text, opts),
    clock,
    logger: silentLogger,
    settings: settings(over),
    q,
    am,
    w,
    ...extra,
  } as TestDeps;
}

let line = 1;
export function alertRule(over: Partial<RuleConfig> & { alert: string; expr: string }): RuleConfig {
  return {
    for: 0,
    keepFiringFor: 0,
    labels: {},
    annotations: {},
    debug: false,
    pos: { file: "test.rules", line: line++, col: 1 },
    ...over,
  };
}

export function recordRule(over: Partial<RuleConfig> & { record: string; expr: string }): RuleConfig {
  return {
    for: 0,
    keepFiringFor: 0,
    labels: {},
    annotations: {},
    debug: false,
    pos: { file: "test.rules", line: line++, col: 1 },
    ...over,
  };
}

/** A group as the loader hands it over: `defaults` stand for -evaluationInterval, -rule.evalDelay, -rule.resultsLimit. */
export function group(
  over: Partial<GroupConfig> & { rules: RuleConfig[] },
  defaults: Partial<GroupDefaults> = {},
): EffectiveGroupConfig {
  const cfg: GroupConfig = {
    name: "g",
    file: "test.rules",
    interval: 60_000,
    concurrency: 0,
    type: "prometheus",
    labels: {},
    params: {},
    headers: [],
    notifierHeaders: [],
    debug: false,
    checksum: JSON.stringify(over),
    pos: { file: "test.rules", line: 1, col: 1 },
    ...over,
  };
  return withGroupDefaults(cfg, { ...DEFAULT_GROUP_DEFAULTS, evalDelay: 0, ...defaults });
}
