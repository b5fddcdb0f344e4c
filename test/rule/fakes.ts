// Test doubles for the rule engine: a scripted querier, recording notifiers, a writer that logs the order
// of pushes and flushes, a stand-in template engine, and builders for configs and engine deps.
import { pino } from "pino";
import type { GroupConfig, RuleConfig } from "../../src/config/types.js";
import type { Metric, Querier, QuerierFactory, QueryOptions, QueryResult } from "../../src/datasource/types.js";
import type { Notifier, NotifierAlert, NotifierSet } from "../../src/notifier/types.js";
import type { RemoteWriter, TimeSeries } from "../../src/remotewrite/types.js";
import { FakeClock } from "../../src/rule/clock.js";
import type { CompileTemplate, EngineDeps, EngineSettings } from "../../src/rule/types.js";
import { compileTemplate } from "../../src/template/index.js";
import type { CompiledTemplate } from "../../src/template/types.js";

export type Answer =
  | Metric[]
  | Error
  | ((opts: QueryOptions) => Promise<QueryResult | Metric[]> | QueryResult | Metric[]);

/** Answers queries by expression; `set` changes what an expression returns from now on. */
export class FakeQuerier implements Querier, QuerierFactory {
  answers = new Map<string, Answer>();
  calls: Array<{ expr: string; time: number }> = [];
  settings: unknown[] = [];
  /** Events shared with FakeWriter to check ordering. */
  log?: string[];

  forGroup(settings: unknown): Querier {
    this.settings.push(settings);
    return this;
  }

  set(expr: string, answer: Answer): this {
    this.answers.set(expr, answer);
    return this;
  }

  async query(expr: string, opts: QueryOptions): Promise<QueryResult> {
    this.calls.push({ expr, time: opts.time });
    this.log?.push(`query ${expr}`);
    const a = this.answers.get(expr) ?? [];
    if (a instanceof Error) throw a;
    if (typeof a === "function") {
      const r = await a(opts);
      return Array.isArray(r) ? { data: r, seriesFetched: null } : r;
    }
    return { data: a.map((m) => ({ ...m, labels: { ...m.labels } })), seriesFetched: a.length };
  }
}

export function series(labels: Record<string, string>, value = 1, timestamp = 0): Metric {
  return { labels, value, timestamp };
}

export class FakeNotifier implements Notifier {
  sent: Array<{ alerts: NotifierAlert[]; headers?: Record<string, string> }> = [];
  /** When set, send() waits for this before recording. */
  gate?: Promise<void>;
  constructor(private address = "http://am:9093/api/v2/alerts") {}
  async send(alerts: NotifierAlert[], headers?: Record<string, string>): Promise<void> {
    if (this.gate) await this.gate;
    this.sent.push({ alerts: alerts.map((a) => ({ ...a })), headers });
  }
  addr(): string {
    return this.address;
  }
  lastError(): string {
    return "";
  }
  /** All alerts sent so far, flattened. */
  all(): NotifierAlert[] {
    return this.sent.flatMap((s) => s.alerts);
  }
}

export function notifierSet(...list: Notifier[]): NotifierSet {
  return { notifiers: () => list, close: async () => {} };
}

export class FakeWriter implements RemoteWriter {
  pushed: TimeSeries[] = [];
  flushes = 0;
  log?: string[];
  /** When set, flush() waits for it. */
  gate?: Promise<void>;
  push(s: TimeSeries[]): void {
    for (const x of s) {
      this.pushed.push(x);
      this.log?.push(`push ${nameOf(x)}`);
    }
  }
  async flush(signal?: AbortSignal): Promise<void> {
    this.log?.push("flush start");
    if (this.gate) {
      await Promise.race([
        this.gate,
        new Promise((_, rej) => signal?.addEventListener("abort", () => rej(signal.reason), { once: true })),
      ]);
    }
    this.flushes++;
    this.log?.push("flush done");
  }
  async close(): Promise<void> {}
  named(name: string): TimeSeries[] {
    return this.pushed.filter((x) => nameOf(x) === name);
  }
  clear(): void {
    this.pushed = [];
  }
}

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
    evaluationInterval: 60_000,
    evalDelay: 0,
    resendDelay: 0,
    maxResolveDuration: 0,
    externalLabels: {},
    externalURL: "http://tsalert:8880",
    externalURLRaw: "",
    disableAlertgroupLabel: false,
    maxStartDelay: 300_000,
    updateEntriesLimit: 20,
    maxActiveAlerts: 0,
    queryTimeout: 30_000,
    ...over,
  };
}

export interface TestDeps extends EngineDeps {
  clock: FakeClock;
  q: FakeQuerier;
  am: FakeNotifier;
  w: FakeWriter;
}

export function makeDeps(over: Partial<EngineSettings> = {}, extra: Partial<EngineDeps> = {}): TestDeps {
  const clock = new FakeClock(START);
  const q = new FakeQuerier();
  const am = new FakeNotifier();
  const w = new FakeWriter();
  return {
    querierFactory: q,
    notifiers: notifierSet(am),
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

export function group(over: Partial<GroupConfig> & { rules: RuleConfig[] }): GroupConfig {
  return {
    name: "g",
    file: "test.rules",
    interval: 60_000,
    limit: 0,
    concurrency: 1,
    type: "prometheus",
    labels: {},
    params: {},
    headers: [],
    notifierHeaders: [],
    debug: false,
    checksum: JSON.stringify(over),
    pos: { file: "test.rules", line: 1, col: 1 },
    // As the loader: `concurrency` written in the group is the group's, else -rule.maxConcurrency applies.
    concurrencyGiven: over.concurrency !== undefined,
    ...over,
  };
}
