// -loggerTimezone: log timestamps in an IANA time zone, in vmalert's layout
// (Go's "2006-01-02T15:04:05.000Z0700": `Z` for a zero offset, else `+hhmm`).
import { TsalertError } from "../errors.js";

export type TimestampFormat = (ms: number) => string;

/** "" and "UTC" give UTC; "Local" the process' zone (TZ or /etc/localtime), as Go's time.LoadLocation. */
export function timestampFormat(zone: string | undefined): TimestampFormat {
  const name = zone ?? "UTC";
  if (name === "" || name === "UTC") return (ms) => new Date(ms).toISOString();
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: name === "Local" ? undefined : name,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
  } catch {
    throw new TsalertError(
      "TSA_FLAG",
      `invalid value ${JSON.stringify(name)} for flag -loggerTimezone: not a time zone; want an IANA name such as Europe/Berlin, UTC or Local`,
    );
  }
  return (ms) => {
    const p: Record<string, string> = {};
    for (const part of fmt.formatToParts(ms)) p[part.type] = part.value;
    const milli = ms % 1000;
    const wallMs = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
    const offsetMin = Math.round((wallMs - (ms - milli)) / 60_000);
    return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${String(milli).padStart(3, "0")}${offset(offsetMin)}`;
  };
}

function offset(min: number): string {
  if (min === 0) return "Z";
  const a = Math.abs(min);
  return `${min < 0 ? "-" : "+"}${String(Math.floor(a / 60)).padStart(2, "0")}${String(a % 60).padStart(2, "0")}`;
}
