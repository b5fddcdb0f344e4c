// Builds the Go data a rule template sees: the `.Labels`/`.Value` struct and the `$labels`/`$value`
// variables vmalert declares in front of every template text.
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

function msDuration(ms: number | undefined): GoDuration {
  return new GoDuration(ms ? BigInt(Math.round(ms * 1e6)) : 0n);
}

/** Root struct and variables for one render. `limited` = label templates (zero values for the rest). */
export function templateData(d: AlertTemplateData, limited: boolean): { dot: GoStruct; vars: [string, GoValue][] } {
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
        For: new GoDuration(0n),
        IsPartial: false,
        Interval: new GoDuration(0n),
        ExternalLabels: ext,
        ExternalURL: d.externalURL,
      }
    : {
        Type: d.type ?? "",
        Labels: labels,
        Value: d.value,
        Expr: d.expr,
        AlertID: uint(d.alertID),
        GroupID: uint(d.groupID),
        ActiveAt: d.activeAt ? GoTime.fromMs(d.activeAt.getTime()) : ZERO_TIME,
        For: msDuration(d.for),
        IsPartial: d.isPartial ?? false,
        Interval: msDuration(d.interval),
        ExternalLabels: ext,
        ExternalURL: d.externalURL,
      };
  const dot = new GoStruct("templates.tplData", f);
  return {
    dot,
    vars: [
      ["$value", f.Value],
      ["$type", f.Type],
      ["$labels", f.Labels],
      ["$expr", f.Expr],
      ["$externalLabels", f.ExternalLabels],
      ["$externalURL", f.ExternalURL],
      ["$alertID", f.AlertID],
      ["$groupID", f.GroupID],
      ["$activeAt", f.ActiveAt],
      ["$for", f.For],
      ["$isPartial", f.IsPartial],
      ["$interval", f.Interval],
    ],
  };
}
