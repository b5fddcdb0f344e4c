// -clusterMode tenants: per-tenant URLs of a VictoriaMetrics cluster (vminsert/vmselect) or of a vmauth
// in front of it, built from the base URL given on the command line.
import { TsalertError } from "../errors.js";
import { redactURL } from "../net/redact.js";

const TENANT_RE = /^(\d{1,10})(?::(\d{1,10}))?$/;
const UINT32_MAX = 4294967295;

export interface Tenant {
  accountID: string;
  projectID: string;
}

/** Parses `accountID[:projectID]` (uint32 each, projectID defaults to 0). */
export function parseTenant(tenant: string): Tenant {
  const m = TENANT_RE.exec(tenant.trim());
  if (!m || Number(m[1]) > UINT32_MAX || Number(m[2] ?? 0) > UINT32_MAX) {
    throw new TsalertError("TSA_CONFIG", `invalid tenant "${tenant}": want "accountID[:projectID]" (uint32 numbers)`);
  }
  return { accountID: String(Number(m[1])), projectID: String(Number(m[2] ?? 0)) };
}

/**
 * `<base>/insert/<tenant>/prometheus` (remote write) or `<base>/select/<tenant>/prometheus` (datasource,
 * remote read); the caller appends `/api/v1/...` as usual. The tenant is written as given (`1` or `1:0`,
 * both mean the same to VictoriaMetrics), so proxies routing on the path see what the user wrote.
 */
export function tenantURL(base: string, kind: "insert" | "select", tenant: string): string {
  parseTenant(tenant);
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new TsalertError("TSA_FLAG", `invalid base URL for tenant "${tenant}": ${redactURL(base)}`);
  }
  u.pathname = `${u.pathname.replace(/\/+$/, "")}/${kind}/${tenant.trim()}/prometheus`;
  return u.toString();
}

/** The labels vmalert enterprise adds to a tenant's alerts. */
export function tenantLabels(tenant: string): Record<string, string> {
  const t = parseTenant(tenant);
  return { vm_account_id: t.accountID, vm_project_id: t.projectID };
}
