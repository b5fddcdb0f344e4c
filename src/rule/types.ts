// What the engine is built from: every outside dependency enters here, so the engine never knows HTTP.
import type { Logger } from "pino";
import type { QuerierFactory } from "../datasource/types.js";
import type { NotifierSet } from "../notifier/types.js";
import type { AlertRestorer } from "../remoteread/types.js";
import type { RemoteWriter } from "../remotewrite/types.js";
import type { StateFile } from "../state/types.js";
import type { CompiledTemplate } from "../template/types.js";
import type { Clock } from "./clock.js";
import type { RuleSemantics } from "./semantics.js";

export type CompileTemplate = (text: string, opts?: { limited?: boolean }) => CompiledTemplate;

/**
 * Flag values the engine needs; durations in ms. Group defaults (-evaluationInterval, -rule.evalDelay,
 * -rule.resultsLimit) are not here: the loader applies them (`EffectiveGroupConfig`), and
 * -datasource.queryTimeout is the querier's.
 */
export interface EngineSettings {
  /** -rule.resendDelay (0). */
  resendDelay: number;
  /** -rule.maxResolveDuration (0 = no cap). */
  maxResolveDuration: number;
  /**
   * -external.label: added to every rule's labels (rule > group > external), or with Prometheus semantics
   * only to what leaves (notifications, remote write; semantics.ts externalLabelsOnRules).
   */
  externalLabels: Record<string, string>;
  /**
   * `$externalLabels` in templates when it is not `externalLabels`: the vmalert-tool unit-test dialect
   * attaches a test's external labels but templates only the -external.label flags. Default: externalLabels.
   */
  templateExternalLabels?: Record<string, string>;
  /** The computed external URL (links, generatorURL), no trailing slash. */
  externalURL: string;
  /** The raw -external.url flag value (`$externalURL` in templates). */
  externalURLRaw: string;
  /** -external.alert.source, "" = vmalert's default link. */
  alertSourceTemplate?: string;
  /** -disableAlertgroupLabel. */
  disableAlertgroupLabel: boolean;
  /** -group.maxStartDelay (5m). */
  maxStartDelay: number;
  /** -rule.updateEntriesLimit (20). */
  updateEntriesLimit: number;
  /** -rule.stripFilePath: show files as `<groupID>/<basename>` in the API and logs. */
  stripFilePath?: boolean;
  /** tsalert -rule.maxActiveAlerts: cap on pending+firing alerts across all rules, 0 = off. */
  maxActiveAlerts: number;
  /**
   * tsalert -rule.templateTimeout: execution time one alert's label and annotation templates may take
   * together; 0 or unset = no time budget.
   */
  templateTimeout?: number;
  /** -rule.maxConcurrency (8): rules of a group without `concurrency` evaluated at once. */
  maxConcurrency?: number;
  /** -rule.maxConcurrentEvals (100): rule evaluations in flight across all groups; 0 = no cap. */
  maxConcurrentEvals?: number;
  /** -rule.writeVisibilityDelay (0): how long after a confirmed write its readers query. */
  writeVisibilityDelay?: number;
  /** Max concurrent notifier requests in flight per group and notifier before sends are skipped (64). */
  maxInflightSends?: number;
  /** -clusterMode: groups get their tenant's URLs and `vm_account_id`/`vm_project_id` labels. */
  clusterMode?: boolean;
  /** -defaultTenant.prometheus / -defaultTenant.graphite: tenant of groups without `tenant` (clusterMode only). */
  defaultTenants?: { prometheus?: string; graphite?: string };
  /** -rule.semantics: whose rules tsalert follows where vmalert and Prometheus differ (src/rule/semantics.ts); vmalert when unset. */
  semantics?: RuleSemantics;
}

/** What a group is built from: the engine hands down its own deps; replay and unit tests build theirs. */
export interface GroupDeps {
  querierFactory: QuerierFactory;
  notifiers: NotifierSet;
  writer?: RemoteWriter;
  /**
   * -clusterMode: the remote writer of one tenant (`<-remoteWrite.url>/insert/<tenant>/prometheus`); groups
   * with a tenant write only through it, never through `writer`. Undefined result = no remote write.
   */
  writerFor?(tenant: string): RemoteWriter | undefined;
  compileTemplate: CompileTemplate;
  clock: Clock;
  logger: Logger;
  settings: EngineSettings;
}

export interface EngineDeps extends GroupDeps {
  /**
   * -remoteRead.url: handed to each group at process start, which restores inside its first successful
   * evaluation, through the querier of its own tenant (the tenant is in RestoreQuery.group).
   */
  restorer?: AlertRestorer;
  /** -state.path: loaded before the first evaluation, saved after iterations and at stop. */
  stateFile?: StateFile;
}

export type AlertState = "pending" | "firing" | "inactive";
