// Static cluster membership from the -cluster.* flags, named and read as vmagent reads its
// -promscrape.cluster.* flags: no coordinator, every member knows the member count and its own number.
import { TsalertError } from "../errors.js";
import { redactURL } from "../net/index.js";

/** Who this process is in the cluster. A single process is `{count: 1, self: 0, replication: 1}`. */
export interface Membership {
  /** -cluster.membersCount (N). */
  count: number;
  /** -cluster.memberNum (K), 0 <= K < N. */
  self: number;
  /** -cluster.replicationFactor (R), 1 <= R <= N: members that run each group. */
  replication: number;
  /** -cluster.memberURLTemplate with every `%d` to be replaced by a member number; "" = no merged view. */
  urlTemplate: string;
}

export interface MembershipFlags {
  membersCount: number;
  /** A number or a name ending in `-K` (a StatefulSet pod name such as `tsalert-2`). */
  memberNum: string;
  replicationFactor: number;
  memberURLTemplate: string;
}

/** Far more members than anyone runs: bounds the work of a placement (groups x members). */
export const MAX_MEMBERS = 1000;

function flagError(flag: string, value: string | number, why: string): TsalertError {
  return new TsalertError("TSA_FLAG", `invalid value ${JSON.stringify(String(value))} for flag -${flag}: ${why}`);
}

/**
 * `-cluster.memberNum` as vmagent reads it: the part after the last `-` when there is one (the pod name of a
 * Kubernetes StatefulSet), a decimal number in [0, count).
 */
export function parseMemberNum(text: string, count: number): number {
  const raw = text.trim();
  const dash = raw.lastIndexOf("-");
  const digits = raw.slice(dash + 1);
  if (dash === 0 || !/^\d{1,9}$/.test(digits)) {
    throw flagError("cluster.memberNum", text, "want a number or a name ending in -<number>, such as tsalert-2");
  }
  const n = Number(digits);
  if (n >= count) {
    throw flagError(
      "cluster.memberNum",
      text,
      `member ${n} is outside 0..${count - 1} of -cluster.membersCount=${count}`,
    );
  }
  return n;
}

/** Checks the -cluster.* flags together; every problem is a TSA_FLAG error naming its flag. */
export function parseMembership(f: MembershipFlags): Membership {
  const count = f.membersCount;
  if (!Number.isInteger(count) || count < 1 || count > MAX_MEMBERS) {
    throw flagError("cluster.membersCount", count, `want 1..${MAX_MEMBERS}`);
  }
  const self = parseMemberNum(f.memberNum, count);
  const replication = f.replicationFactor;
  if (!Number.isInteger(replication) || replication < 1 || replication > count) {
    throw flagError(
      "cluster.replicationFactor",
      replication,
      `want 1..${count} (it cannot exceed -cluster.membersCount=${count})`,
    );
  }
  const urlTemplate = f.memberURLTemplate.trim();
  if (urlTemplate !== "") {
    const shown = redactURL(urlTemplate);
    if (!urlTemplate.includes("%d")) {
      throw flagError("cluster.memberURLTemplate", shown, "it must contain %d, the member number");
    }
    let url: URL;
    try {
      url = new URL(memberURL(urlTemplate, 0));
    } catch {
      throw flagError("cluster.memberURLTemplate", shown, "not a URL once %d is replaced");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw flagError("cluster.memberURLTemplate", shown, "want an http:// or https:// URL");
    }
  }
  return { count, self, replication, urlTemplate };
}

/** The base URL of member `n`: the template with every `%d` replaced, without a trailing `/`. */
export function memberURL(template: string, n: number): string {
  return template.replaceAll("%d", String(n)).replace(/\/+$/, "");
}

/** True when there is more than one member: placement and the merged view are on. */
export function isClustered(m: Membership): boolean {
  return m.count > 1;
}
