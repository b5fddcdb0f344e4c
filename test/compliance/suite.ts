// One run of the compliance suite against one or more engines at once: the rule file, the input
// written at the suite's times, and the suite's four checks every group interval until each case's end.
// Each check of each case is judged on its own (the suite, with only that check enabled, would report
// the case so): the first mismatch fails it, nothing is retried or relaxed.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { allCases, type ComplianceCase, GROUP_INTERVAL_MS } from "./cases.js";
import { checkAlerts, checkMetrics, checkRuleGroup } from "./checks.js";
import { type Engine, type EngineKind, startEngine } from "./engines.js";
import type { AlertSample, ApiAlert, ApiRule, ApiRuleGroup, Labels } from "./model.js";
import { type Receiver, startReceiver } from "./receiver.js";
import { describeReception } from "./reception.js";
import { startInputWriter } from "./writer.js";

export const CHECKS = ["rules", "alerts", "metrics", "reception"] as const;
export type CheckName = (typeof CHECKS)[number];

export const CHECK_TITLES: Record<CheckName, string> = {
  rules: "GET /api/v1/rules",
  alerts: "GET /api/v1/alerts",
  metrics: "ALERTS series",
  reception: "notifications",
};

export interface CheckResult {
  passed: boolean;
  /** ms after the zero time of the first failure. */
  at?: number;
  /** Why it failed (several lines for notifications). */
  reason?: string;
}

export interface EngineResult {
  kind: EngineKind;
  command: string;
  /** group → check → result */
  cases: Record<string, Record<CheckName, CheckResult>>;
  passed: number;
  total: number;
  /** Set when the engine process ended during the run. */
  exited?: string;
}

export interface RunResult {
  started: string;
  durationSeconds: number;
  dir: string;
  /** A problem of the harness itself (input not written): the verdicts are then not valid. */
  invalid?: string;
  engines: EngineResult[];
}

export interface RunOptions {
  engines: EngineKind[];
  /** Group names to run; all four by default. */
  cases?: string[];
  dir: string;
  log?: (line: string) => void;
}

/** The suite's checks start a little after the first samples are written. */
const CHECKS_START_DELAY_MS = GROUP_INTERVAL_MS / 4;
const SWEEP_EVERY_MS = 60_000;
const FIRST_EVALUATION_TIMEOUT_MS = 120_000;

const goDuration = (ms: number) => `${ms / 1000}s`;

/** The suite's rule file, as the engines load it. */
export function rulesYAML(cases: ComplianceCase[]): string {
  return stringify({
    groups: cases.map((c) => ({
      name: c.group,
      interval: goDuration(c.intervalMs),
      rules: c.rules.map((r) => ({
        alert: r.alert,
        expr: r.expr,
        ...(r.forMs > 0 ? { for: goDuration(r.forMs) } : {}),
        labels: r.labels,
        annotations: r.annotations,
      })),
    })),
  });
}

function stringRecord(v: unknown): Labels {
  const out: Labels = {};
  if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}

function time(v: unknown): number | null {
  if (typeof v !== "string") return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

function toAlert(raw: unknown): ApiAlert {
  const o = (raw ?? {}) as Record<string, unknown>;
  return {
    labels: stringRecord(o.labels),
    annotations: stringRecord(o.annotations),
    state: typeof o.state === "string" ? o.state : "",
    value: typeof o.value === "string" ? o.value : String(o.value ?? ""),
    activeAt: time(o.activeAt),
  };
}

function successData(body: string): Record<string, unknown> {
  const o = JSON.parse(body) as { status?: unknown; data?: unknown };
  if (o.status !== "success") throw new Error(`status ${JSON.stringify(o.status)}`);
  return (o.data ?? {}) as Record<string, unknown>;
}

/** `/api/v1/alerts`, grouped by the `rulegroup` label. */
export function parseAlerts(body: string): Map<string, ApiAlert[]> {
  const out = new Map<string, ApiAlert[]>();
  for (const raw of (successData(body).alerts as unknown[]) ?? []) {
    const a = toAlert(raw);
    const g = a.labels.rulegroup ?? "";
    out.set(g, [...(out.get(g) ?? []), a]);
  }
  return out;
}

/** `/api/v1/rules`, by group name. */
export function parseRules(body: string): Map<string, ApiRuleGroup> {
  const out = new Map<string, ApiRuleGroup>();
  for (const raw of (successData(body).groups as unknown[]) ?? []) {
    const g = (raw ?? {}) as Record<string, unknown>;
    const rules: ApiRule[] = ((g.rules as unknown[]) ?? []).map((x) => {
      const r = (x ?? {}) as Record<string, unknown>;
      return {
        state: String(r.state ?? ""),
        name: String(r.name ?? ""),
        query: String(r.query ?? ""),
        duration: Number(r.duration ?? 0),
        labels: stringRecord(r.labels),
        annotations: stringRecord(r.annotations),
        health: String(r.health ?? ""),
        type: String(r.type ?? ""),
        lastError: String(r.lastError ?? ""),
        lastEvaluation: time(r.lastEvaluation) ?? 0,
        alerts: ((r.alerts as unknown[]) ?? []).map(toAlert),
      };
    });
    const name = String(g.name ?? "");
    out.set(name, {
      name,
      interval: Number(g.interval ?? 0),
      lastEvaluation: time(g.lastEvaluation) ?? 0,
      rules,
    });
  }
  return out;
}

/** An instant query's vector, grouped by the `rulegroup` label. */
export function parseSamples(body: string): Map<string, AlertSample[]> {
  const out = new Map<string, AlertSample[]>();
  for (const raw of (successData(body).result as unknown[]) ?? []) {
    const r = (raw ?? {}) as { metric?: unknown; value?: unknown[] };
    const labels = stringRecord(r.metric);
    const s = { labels, t: Math.trunc(Number(r.value?.[0])), v: Number(r.value?.[1]) };
    const g = labels.rulegroup ?? "";
    out.set(g, [...(out.get(g) ?? []), s]);
  }
  return out;
}

async function get(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return body;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until every group of the engine evaluated once, as the suite advises before it starts. */
async function firstEvaluation(e: Engine, groups: string[]): Promise<void> {
  const deadline = Date.now() + FIRST_EVALUATION_TIMEOUT_MS;
  for (;;) {
    try {
      const rules = parseRules(await get(`${e.apiURL}/api/v1/rules`));
      if (groups.every((g) => (rules.get(g)?.lastEvaluation ?? 0) > 0)) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`${e.kind}: not every group evaluated within 120s`);
    await sleep(500);
  }
}

interface EngineRun {
  engine: Engine;
  receiver: Receiver;
  state: Map<string, Record<CheckName, CheckResult | null>>;
}

export async function runSuite(opts: RunOptions): Promise<RunResult> {
  const log = opts.log ?? (() => {});
  const cases = allCases().filter((c) => !opts.cases || opts.cases.includes(c.group));
  if (cases.length === 0) throw new Error(`no such case: ${opts.cases?.join(", ")}`);
  mkdirSync(join(opts.dir, "failures"), { recursive: true });
  const rulesFile = join(opts.dir, "rules.yaml");
  writeFileSync(rulesFile, rulesYAML(cases));
  const started = Date.now();

  const runs: EngineRun[] = [];
  const stopAll = async () => {
    for (const r of runs) {
      await r.engine.stop().catch(() => {});
      await r.receiver.stop().catch(() => {});
    }
  };
  try {
    for (const kind of opts.engines) {
      // Expected notifications need the zero time: the receiver gets them once writing starts.
      const receiver = await startReceiver([], join(opts.dir, `${kind}-notifications.jsonl`));
      let engine: Engine;
      try {
        engine = await startEngine(kind, rulesFile, receiver.url, opts.dir);
      } catch (err) {
        await receiver.stop();
        throw err;
      }
      runs.push({ engine, receiver, state: new Map() });
      log(`started ${kind}: ${engine.command}`);
    }
    await Promise.all(
      runs.map((r) =>
        firstEvaluation(
          r.engine,
          cases.map((c) => c.group),
        ),
      ),
    );

    const writer = await startInputWriter(
      cases.flatMap((c) => c.series),
      runs.map((r) => r.engine.writeURL),
    );
    const zero = writer.zero;
    log(
      `zero time ${new Date(zero).toISOString()}; the last case ends ${Math.max(...cases.map((c) => c.testUntil)) / 60_000} min later`,
    );
    for (const r of runs) {
      for (const c of cases) {
        r.receiver.reception.expect(c.expectedNotifications(zero));
        r.state.set(c.group, { rules: null, alerts: null, metrics: null, reception: null });
      }
    }
    await sleep(CHECKS_START_DELAY_MS);

    const fail = (r: EngineRun, c: ComplianceCase, check: CheckName, now: number, reason: string, body?: string) => {
      const st = r.state.get(c.group) as Record<CheckName, CheckResult | null>;
      if (st[check] !== null) return;
      st[check] = { passed: false, at: now - zero, reason };
      log(
        `${r.engine.kind} ${c.group} ${check}: FAIL at +${((now - zero) / 1000).toFixed(0)}s: ${reason.split("\n")[0]}`,
      );
      if (body !== undefined) {
        writeFileSync(join(opts.dir, "failures", `${r.engine.kind}-${c.group}-${check}.json`), body);
      }
    };
    const running = (r: EngineRun, check: CheckName) => cases.filter((c) => r.state.get(c.group)?.[check] === null);

    /** One of the suite's polling loops: every group interval, until no case of the engine needs it. */
    const loop = async (
      r: EngineRun,
      check: CheckName,
      step: (now: number, todo: ComplianceCase[]) => Promise<void>,
    ) => {
      while (running(r, check).length > 0) {
        await sleep(GROUP_INTERVAL_MS);
        const now = Date.now();
        const todo: ComplianceCase[] = [];
        for (const c of running(r, check)) {
          if (zero + c.testUntil < now) {
            (r.state.get(c.group) as Record<CheckName, CheckResult | null>)[check] = { passed: true };
          } else {
            todo.push(c);
          }
        }
        if (todo.length > 0) {
          // A failed request is logged and skipped, as the suite does: only answers are judged.
          await step(now, todo).catch((err: Error) => log(`${r.engine.kind} ${check}: request failed: ${err.message}`));
        }
      }
    };

    const noted = new Set<string>();
    const loops: Promise<void>[] = [];
    for (const r of runs) {
      const e = r.engine;
      loops.push(
        loop(r, "alerts", async (now, todo) => {
          const body = await get(`${e.apiURL}/api/v1/alerts`);
          const byGroup = parseAlerts(body);
          for (const c of todo) {
            const err = checkAlerts(c, zero, now, byGroup.get(c.group) ?? []);
            if (err) fail(r, c, "alerts", now, err, body);
          }
        }),
        loop(r, "rules", async (now, todo) => {
          const body = await get(`${e.apiURL}/api/v1/rules`);
          const byGroup = parseRules(body);
          for (const c of todo) {
            const err = checkRuleGroup(c, zero, now, byGroup.get(c.group));
            if (err) fail(r, c, "rules", now, err, body);
          }
        }),
        loop(r, "metrics", async (now, todo) => {
          const t = new Date(Math.floor(now / 1000) * 1000).toISOString().replace(".000Z", "Z");
          const body = await get(`${e.queryURL}/api/v1/query?query=ALERTS&time=${encodeURIComponent(t)}`);
          const byGroup = parseSamples(body);
          for (const c of todo) {
            const err = checkMetrics(c, zero, now, byGroup.get(c.group) ?? []);
            if (err) fail(r, c, "metrics", now, err, body);
          }
        }),
        (async () => {
          // Notifications are judged as they arrive; this only notes failures early and sweeps for
          // notifications that never came. The verdict is taken at the end of the run.
          let lastSweep = Date.now();
          while (cases.some((c) => zero + c.testUntil >= Date.now())) {
            await sleep(GROUP_INTERVAL_MS);
            if (Date.now() - lastSweep >= SWEEP_EVERY_MS) {
              r.receiver.reception.sweep(Date.now());
              lastSweep = Date.now();
            }
            for (const c of cases) {
              if (r.receiver.reception.hasErrors(c.group) && !noted.has(`${e.kind}/${c.group}`)) {
                noted.add(`${e.kind}/${c.group}`);
                const first = describeReception(r.receiver.reception.errors(c.group), []).slice(0, 2).join(" ");
                log(`${e.kind} ${c.group} reception: FAIL at +${((Date.now() - zero) / 1000).toFixed(0)}s: ${first}`);
              }
            }
          }
        })(),
      );
    }
    await Promise.all(loops);
    writer.stop();
    await writer.done;

    const result: RunResult = {
      started: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      dir: opts.dir,
      engines: [],
    };
    const writeErr = writer.error();
    if (writeErr) result.invalid = `input samples were not written: ${writeErr}`;
    for (const r of runs) {
      const er: EngineResult = { kind: r.engine.kind, command: r.engine.command, cases: {}, passed: 0, total: 0 };
      const exit = r.engine.exitStatus();
      if (exit !== null) er.exited = exit;
      for (const c of cases) {
        const st = r.state.get(c.group) as Record<CheckName, CheckResult | null>;
        const rec = r.receiver.reception;
        const still = rec.stillExpected(c.group);
        if (rec.hasErrors(c.group) || still.length > 0) {
          st.reception = {
            passed: false,
            reason: describeReception(rec.errors(c.group), still).join("\n"),
          };
        } else {
          st.reception = { passed: true };
        }
        const out = {} as Record<CheckName, CheckResult>;
        for (const check of CHECKS) {
          out[check] = st[check] ?? { passed: true };
          er.total++;
          if (out[check].passed) er.passed++;
        }
        er.cases[c.group] = out;
      }
      result.engines.push(er);
    }
    return result;
  } finally {
    await stopAll();
  }
}
