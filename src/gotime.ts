// Times and durations printed as Go prints them, for the texts vmalert and promtool users compare
// against: RFC3339Nano times (Go's time.Format) and Prometheus' duration notation (model.Duration).

const ZERO_TIME = "0001-01-01T00:00:00Z";

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/**
 * Go time.Format(RFC3339Nano): the fraction without trailing zeros. 0 stands for a time never set and
 * prints Go's zero time. `zone`: "local" as vmalert's API shows times (Go's time.Now() is local); "UTC"
 * where a peer gets the time (Alertmanager's startsAt/endsAt), so what is sent does not depend on the
 * host's TZ.
 */
export function rfc3339Nano(ms: number, zone: "local" | "UTC" = "local"): string {
  if (!ms) return ZERO_TIME;
  const d = new Date(ms);
  const utc = zone === "UTC";
  const off = utc ? 0 : -d.getTimezoneOffset();
  let frac = "";
  const msPart = ((ms % 1000) + 1000) % 1000;
  if (msPart) frac = `.${pad(msPart, 3).replace(/0+$/, "")}`;
  const [y, mo, day] = utc
    ? [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()]
    : [d.getFullYear(), d.getMonth(), d.getDate()];
  const [h, mi, s] = utc
    ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    : [d.getHours(), d.getMinutes(), d.getSeconds()];
  const date = `${pad(y, 4)}-${pad(mo + 1)}-${pad(day)}`;
  const time = `${pad(h)}:${pad(mi)}:${pad(s)}`;
  let tz = "Z";
  if (off !== 0) {
    const a = Math.abs(off);
    tz = `${off < 0 ? "-" : "+"}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
  }
  // join makes one flat string; a template literal would leave a rope of five pieces, and every rule keeps
  // two of these per history entry (20 by default): 1,000 rules held ~8 MiB of ropes.
  return [date, "T", time, frac, tz].join("");
}

/** A duration in Prometheus' notation (1h2m3s, 1500ms -> 1s500ms, 0s), as promtool prints eval times. */
export function fmtDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
    ["ms", 1],
  ] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}
