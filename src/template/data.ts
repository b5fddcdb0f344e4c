// Builds the Go data a rule template sees: the `.Labels`/`.Value` struct and the `$labels`/`$value`
// variables vmalert declares in front of every template text.

import { memo } from "../memo.js";
import type { Vars } from "./exec.js";
import type { AlertTemplateData } from "./types.js";
import { GoDuration, GoStruct, GoTime, type GoValue, ZERO_TIME } from "./values.js";

/** vmalert's header, prepended to each text; only its length matters here (error columns on line 1). */
export const TPL_HEADER =
  "{{ $value := .Value }}{{ $type := .Type }}{{ $labels := .Labels }}{{ $expr := .Expr }}" +
  "{{ $externalLabels := .ExternalLabels }}{{ $externalURL := .ExternalURL }}{{ $alertID := .AlertID }}" +
  "{{ $groupID := .GroupID }}{{ $activeAt := .ActiveAt }}{{ $for := .For }}{{ $isPartial := .IsPartial }}" +
  "{{ $interval := .Interval }}";

export const PREDECLARED = [
  "$value",
  "$type",
  "$labels",
  "$expr",
  "$externalLabels",
  "$externalURL",
  "$alertID",
  "$groupID",
  "$activeAt",
  "$for",
  "$isPartial",
  "$interval",
] as const;

const EMPTY: Record<string, string> = Object.freeze({}) as Record<string, string>;

function uint(id: string | undefined): GoValue {
  if (!id) return 0n;
  return /^\d+$/.test(id) ? BigInt(id) : id;
}

/** Values every alert of a rule shares (group ID, `for`, interval): made once, not per render. */
const shared = new Map<string | number, GoValue>();
function sharedValue(key: string | number, make: () => GoValue): GoValue {
  return memo(shared, key, 4096, make);
}

function msDuration(ms: number | undefined): GoValue {
  return sharedValue(ms ?? 0, () => new GoDuration(ms ? BigInt(Math.round(ms * 1e6)) : 0n));
}

const ZERO_DURATION = new GoDuration(0n);

type Built = { dot: GoStruct; vars: Vars };

// An alert's texts render with one data object; execution only reads the struct and copies the
// variables, so the texts of one alert share one build instead of making it again per text.
const builtFull = new WeakMap<AlertTemplateData, Built>();
const builtLimited = new WeakMap<AlertTemplateData, Built>();

/** Root struct and variables for one render. `limited` = label templates (zero values for the rest). */
export function templateData(d: AlertTemplateData, limited: boolean): Built {
  const memo = limited ? builtLimited : builtFull;
  let b = memo.get(d);
  if (!b) {
    b = build(d, limited);
    memo.set(d, b);
  }
  return b;
}

function build(d: AlertTemplateData, limited: boolean): Built {
  const labels = d.labels ?? EMPTY;
  const ext = d.externalLabels ?? EMPTY;
  const f: Record<string, GoValue> = limited
    ? {
        Type: "",
        Labels: labels,
        Value: d.value,
        Expr: d.expr,
        AlertID: 0n,
        GroupID: 0n,
        ActiveAt: ZERO_TIME,
        For: ZERO_DURATION,
        IsPartial: false,
        Interval: ZERO_DURATION,
        ExternalLabels: ext,
        ExternalURL: d.externalURL,
      }
    : {
        Type: d.type ?? "",
        Labels: labels,
        Value: d.value,
        Expr: d.expr,
        AlertID: uint(d.alertID),
        GroupID: d.groupID ? sharedValue(`g${d.groupID}`, () => uint(d.groupID)) : 0n,
        ActiveAt: d.activeAt ? GoTime.fromMs(d.activeAt.getTime()) : ZERO_TIME,
        For: msDuration(d.for),
        IsPartial: d.isPartial ?? false,
        Interval: msDuration(d.interval),
        ExternalLabels: ext,
        ExternalURL: d.externalURL,
      };
  const dot = new GoStruct("templates.tplData", f);
  // In PREDECLARED's order.
  const values = [
    f.Value,
    f.Type,
    f.Labels,
    f.Expr,
    f.ExternalLabels,
    f.ExternalURL,
    f.AlertID,
    f.GroupID,
    f.ActiveAt,
    f.For,
    f.IsPartial,
    f.Interval,
  ];
  return { dot, vars: { names: PREDECLARED, values } };
}
