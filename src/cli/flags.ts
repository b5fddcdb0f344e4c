// The one flag table: parser, -help, /flags and the README flag table are all generated from it.
// Defaults are vmalert's newest ones, written as flag text so they go through the same parser.
import { availableParallelism } from "node:os";

export type FlagType =
  | "string"
  | "bool"
  | "int"
  | "float"
  | "duration"
  | "size"
  | "array"
  | "arrayDuration"
  | "arrayBool"
  | "arrayInt"
  | "arraySize";

export interface FlagDef {
  name: string;
  type: FlagType;
  /** Default as flag text ("" = none). Array defaults apply to every item not given. */
  default: string;
  /** The default as help and README show it, when it depends on the machine. */
  defaultText?: string;
  help: string;
  /** A credential: its value is never printed. */
  secret?: boolean;
  /** Accepted for command-line compatibility with vmalert; has no effect in tsalert. */
  ignored?: boolean;
  /** Only in tsalert, not in vmalert. */
  tsalertOnly?: boolean;
  /**
   * A vmalert feature tsalert does not have, where running without it would surprise (e.g. no
   * certificates where the user asked for automatic ones): setting the flag is an error saying why.
   */
  unsupported?: string;
}

type Opts = Pick<FlagDef, "secret" | "ignored" | "tsalertOnly" | "unsupported" | "defaultText">;

function f(name: string, type: FlagType, def: string, help: string, opts: Opts = {}): FlagDef {
  return { name, type, default: def, help, ...opts };
}

/** The HTTP client auth/TLS flag family shared by -datasource, -remoteRead, -remoteWrite and -notifier. */
function clientAuthFlags(prefix: string, target: string, perUrl: boolean): FlagDef[] {
  const s: FlagType = perUrl ? "array" : "string";
  const b: FlagType = perUrl ? "arrayBool" : "bool";
  const each = perUrl ? ` (one per ${target})` : "";
  return [
    f(`${prefix}.basicAuth.username`, s, "", `Basic auth username for ${target}${each}`),
    f(`${prefix}.basicAuth.usernameFile`, s, "", `File with the basic auth username for ${target}${each}`),
    f(`${prefix}.basicAuth.password`, s, "", `Basic auth password for ${target}${each}`, { secret: true }),
    f(`${prefix}.basicAuth.passwordFile`, s, "", `File with the basic auth password for ${target}${each}`),
    f(`${prefix}.bearerToken`, s, "", `Bearer token for ${target}${each}`, { secret: true }),
    f(`${prefix}.bearerTokenFile`, s, "", `File with the bearer token for ${target}${each}`),
    f(`${prefix}.oauth2.clientID`, s, "", `OAuth2 client ID for ${target}${each}`),
    f(`${prefix}.oauth2.clientSecret`, s, "", `OAuth2 client secret for ${target}${each}`, { secret: true }),
    f(`${prefix}.oauth2.clientSecretFile`, s, "", `File with the OAuth2 client secret for ${target}${each}`),
    f(`${prefix}.oauth2.endpointParams`, s, "", `OAuth2 token endpoint parameters as JSON for ${target}${each}`),
    f(`${prefix}.oauth2.scopes`, s, "", `OAuth2 scopes, ';'-separated, for ${target}${each}`),
    f(`${prefix}.oauth2.tokenUrl`, s, "", `OAuth2 token URL for ${target}${each}`),
    f(`${prefix}.tlsCAFile`, s, "", `CA file to verify ${target}${each}`),
    f(`${prefix}.tlsCertFile`, s, "", `Client certificate file for ${target}${each}`),
    f(`${prefix}.tlsKeyFile`, s, "", `Client key file for ${target}${each}`),
    f(`${prefix}.tlsServerName`, s, "", `Server name to verify for ${target}${each}`),
    f(`${prefix}.tlsInsecureSkipVerify`, b, "false", `Skip TLS certificate verification of ${target}${each}`),
  ];
}

export const FLAGS: readonly FlagDef[] = [
  // General and rules
  f("rule", "array", "", "Rule files: paths, globs (* ? [] **) or http(s):// URLs; repeat or comma-separate"),
  f("rule.templates", "array", "", "Template files (globs) with {{ define }} blocks usable in rules"),
  f("rule.defaultRuleType", "string", "prometheus", "Type of groups without `type`: prometheus, graphite or vlogs"),
  f("rule.validateExpressions", "bool", "true", "Check rule expressions on load"),
  f("rule.validateTemplates", "bool", "true", "Check annotation and label templates on load"),
  f("rule.evalDelay", "duration", "30s", "Subtracted from the evaluation time of groups without eval_offset"),
  f(
    "rule.semantics",
    "string",
    "vmalert",
    "Where vmalert and Prometheus evaluate rules differently, follow vmalert (drop-in) or prometheus: rule labels replace series labels without exported_, evaluation at the scheduled time to the millisecond, eval delay 0 unless set, no alertgroup label, -external.label added only to notifications and remote-written series, re-sends timed by evaluations (README: vmalert vs Prometheus semantics)",
    { tsalertOnly: true },
  ),
  f("rule.resultsLimit", "int", "0", "Default group `limit` of series per rule (0 = no limit)"),
  f("rule.updateEntriesLimit", "int", "20", "Number of past evaluations kept per rule"),
  f("rule.resendDelay", "duration", "0", "Minimum time between re-sends of a firing alert"),
  f("rule.maxResolveDuration", "duration", "0", "Cap on how far in the future endsAt of a firing alert may be"),
  f("rule.stripFilePath", "bool", "false", "Show rule files as <groupID>/<basename> in API, UI and logs"),
  f("rule.configCheckInterval", "duration", "0", "Deprecated alias of -configCheckInterval"),
  f(
    "rule.maxActiveAlerts",
    "int",
    "0",
    "Cap on pending+firing alerts across all rules; alerts beyond it are an error of their rule (0 = off)",
    {
      tsalertOnly: true,
    },
  ),
  f(
    "rule.templateTimeout",
    "duration",
    "25ms",
    "Execution time one alert's label and annotation templates may take together; past it they become errors (0 = no limit)",
    { tsalertOnly: true },
  ),
  f(
    "rule.maxConcurrency",
    "int",
    "8",
    "Rules of a group without `concurrency` evaluated at once; the dependency graph keeps readers after their producers",
    { tsalertOnly: true },
  ),
  f("rule.maxConcurrentEvals", "int", "100", "Rule evaluations in flight across all groups (0 = no cap)", {
    tsalertOnly: true,
  }),
  f(
    "rule.writeVisibilityDelay",
    "duration",
    "0",
    "How long after remote write confirmed a rule's output the rules that read it query (for a datasource that makes accepted samples searchable later; VictoriaMetrics: about 1s)",
    { tsalertOnly: true },
  ),
  f("evaluationInterval", "duration", "1m", "Interval of groups without `interval`"),
  f("group.maxStartDelay", "duration", "5m", "Upper bound of the random start delay of a group"),
  f("disableAlertgroupLabel", "bool", "false", "Do not add the `alertgroup` label to alerts"),
  f("dryRun", "bool", "false", "Check the -rule files and exit"),
  f("configCheckInterval", "duration", "0", "Interval of re-reading rule, template and notifier files (0 = off)"),
  f("external.url", "string", "", "URL of this instance in alert links (default http://<hostname>:<port>)"),
  f("external.alert.source", "string", "", "Template of the generatorURL path of alerts"),
  f("external.label", "array", "", "Label name=value added to every result and alert; repeatable"),
  f("clusterMode", "bool", "false", "Allow group `tenant` and send tenant-scoped queries", { tsalertOnly: true }),
  f("defaultTenant.prometheus", "string", "", "Tenant of groups without `tenant` in -clusterMode"),
  f("defaultTenant.graphite", "string", "", "Tenant of graphite groups without `tenant` in -clusterMode"),
  f(
    "state.path",
    "string",
    "",
    "File alert state is saved to after iterations and on exit, and restored from on start",
    {
      tsalertOnly: true,
    },
  ),
  // Scaling out (README "Scaling out"), named after vmagent's -promscrape.cluster.* flags
  f("cluster.membersCount", "int", "1", "Members that share the rule groups; 1 = no clustering", {
    tsalertOnly: true,
  }),
  f(
    "cluster.memberNum",
    "string",
    "0",
    "This member's number, 0..membersCount-1, or a name ending in -<number> (a StatefulSet pod name)",
    { tsalertOnly: true },
  ),
  f("cluster.replicationFactor", "int", "1", "Members that run each group (2 or more for high availability)", {
    tsalertOnly: true,
  }),
  f(
    "cluster.memberURLTemplate",
    "string",
    "",
    "URL of member %d for the merged API and UI of the whole cluster, e.g. http://tsalert-%d:8880",
    { tsalertOnly: true },
  ),
  f("cluster.peerTimeout", "duration", "3s", "How long the merged API and UI wait for another member", {
    tsalertOnly: true,
  }),
  f("cluster.peerMaxResponseSize", "size", "64MiB", "Largest answer read from another member", {
    tsalertOnly: true,
  }),
  f("secret.flags", "array", "", "More flag names whose values are hidden in logs and /flags"),
  f("envflag.enable", "bool", "false", "Read unset flags from environment variables"),
  f("envflag.prefix", "string", "", "Prefix of environment variables read with -envflag.enable"),
  f("version", "bool", "false", "Print the version and exit"),
  f("help", "bool", "false", "Print this help and exit"),

  // HTTP server
  f("httpListenAddr", "array", ":8880", "Address(es) of the HTTP server"),
  f("httpListenAddr.useProxyProtocol", "arrayBool", "false", "Expect the PROXY protocol on -httpListenAddr"),
  f("http.pathPrefix", "string", "", "Serve all HTTP routes under this prefix"),
  f("http.shutdownDelay", "duration", "0", "Delay before shutdown, with /health answering 503"),
  f("http.maxGracefulShutdownDuration", "duration", "7s", "Time open connections get to finish on shutdown"),
  f("http.connTimeout", "duration", "2m", "Incoming connections are closed after this time"),
  f("http.idleConnTimeout", "duration", "1m", "Idle incoming connections are closed after this time"),
  f(
    "http.maxConcurrentConnections",
    "int",
    "1000",
    "Open incoming connections per -httpListenAddr; more are closed at once and counted (0 = no limit)",
    { tsalertOnly: true },
  ),
  f("http.disableResponseCompression", "bool", "false", "Do not compress HTTP responses"),
  f("http.disableCORS", "bool", "false", "Do not send CORS headers"),
  f("http.disableKeepAlive", "bool", "false", "Close incoming connections after each response"),
  f("http.header.csp", "string", "", "Content-Security-Policy header value"),
  f("http.header.hsts", "string", "", "Strict-Transport-Security header value"),
  f("http.header.frameOptions", "string", "", "X-Frame-Options header value"),
  f("http.header.disableServerHostname", "bool", "false", "Do not send the X-Server-Hostname header"),
  f("httpAuth.username", "string", "", "Basic auth username for the HTTP server"),
  f("httpAuth.password", "string", "", "Basic auth password for the HTTP server", { secret: true }),
  f("metricsAuthKey", "string", "", "authKey query arg required by /metrics", { secret: true }),
  f("flagsAuthKey", "string", "", "authKey query arg required by /flags", { secret: true }),
  f("pprofAuthKey", "string", "", "authKey of /debug/pprof; tsalert serves no /debug/pprof routes", {
    secret: true,
    ignored: true,
  }),
  f("reloadAuthKey", "string", "", "authKey query arg required by /-/reload", { secret: true }),
  f("tls", "arrayBool", "false", "Serve HTTPS on -httpListenAddr"),
  f("tlsCertFile", "array", "", "TLS certificate file for -tls"),
  f("tlsKeyFile", "array", "", "TLS key file for -tls"),
  f("tlsCipherSuites", "array", "", "TLS cipher suites for -tls"),
  f("tlsMinVersion", "array", "", "Minimum TLS version for -tls (TLS10..TLS13)"),
  f(
    "mtls",
    "arrayBool",
    "false",
    "Require a valid client certificate on the -tls -httpListenAddr (vmalert Enterprise)",
  ),
  f("mtlsCAFile", "array", "", "CA file that vouches for client certificates with -mtls (default: the system's)"),
  f("enableTCP6", "bool", "false", "Listen and dial over IPv6 too"),
  f("metrics.exposeMetadata", "bool", "false", "Add HELP and TYPE lines to /metrics"),
  f("pushmetrics.url", "array", "", "URL(s) /metrics is pushed to"),
  f("pushmetrics.interval", "duration", "10s", "Interval of pushing metrics to -pushmetrics.url"),
  f("pushmetrics.extraLabel", "array", "", "Label name=value added to pushed metrics"),
  f("pushmetrics.header", "array", "", "HTTP header Name: value sent with pushed metrics"),
  f("pushmetrics.disableCompression", "bool", "false", "Do not gzip pushed metrics"),

  // Logging
  f("loggerLevel", "string", "INFO", "Minimum log level: INFO, WARN, ERROR, FATAL or PANIC"),
  f("loggerFormat", "string", "default", "Log format: default (tab-separated) or json"),
  f("loggerOutput", "string", "stderr", "Log output: stderr or stdout"),
  f("loggerTimezone", "string", "UTC", "Time zone of log timestamps: an IANA name (Europe/Berlin), UTC or Local"),
  f("loggerDisableTimestamps", "bool", "false", "Leave timestamps out of log lines"),
  f(
    "loggerErrorsPerSecondLimit",
    "int",
    "0",
    "ERROR lines per second and call site; more are dropped and counted (0 = no limit)",
  ),
  f(
    "loggerWarnsPerSecondLimit",
    "int",
    "0",
    "WARN lines per second and call site; more are dropped and counted (0 = no limit)",
  ),
  f("loggerJSONFields", "string", "", "Renamed JSON log fields ts, level, caller, msg, e.g. ts:timestamp,msg:message"),
  f("loggerMaxArgLen", "int", "5000", "Longer log values are shortened to start..end of this length"),

  // Datasource
  f("datasource.url", "string", "", "Prometheus-compatible query API base URL (required unless -dryRun)"),
  f("datasource.appendTypePrefix", "bool", "false", "Append /prometheus or /graphite to -datasource.url by type"),
  f("datasource.queryStep", "duration", "5m", "`step` sent with instant queries (0 = group interval)"),
  f("datasource.disableStepParam", "bool", "false", "Do not send `step` with instant queries"),
  f("datasource.roundDigits", "int", "0", "Round query results to this many digits (0 = off)"),
  f("datasource.headers", "string", "", "Extra headers 'Name: value', separated by ^^"),
  f("datasource.maxIdleConnections", "int", "100", "Idle keep-alive connections kept to the datasource"),
  f("datasource.idleConnTimeout", "duration", "50s", "Idle connections to the datasource are closed after this"),
  f("datasource.disableKeepAlive", "bool", "false", "Use a new connection for every datasource request"),
  f("datasource.showURL", "bool", "false", "Show the datasource URL unredacted in logs, UI and metrics"),
  f("datasource.queryTimeout", "duration", "30s", "Timeout of one datasource query", { tsalertOnly: true }),
  f("datasource.lookback", "duration", "0", "Subtracted from the query time (vmalert 1.79.5 flag)"),
  f(
    "datasource.queryTimeAlignment",
    "bool",
    "true",
    "Align the query time to the group interval (vmalert 1.79.5 flag)",
  ),
  f("datasource.maxResponseSize", "size", "256MiB", "Largest query response read; bigger is a rule error", {
    tsalertOnly: true,
  }),
  ...clientAuthFlags("datasource", "-datasource.url", false),

  // Remote read
  f("remoteRead.url", "string", "", "Base URL state is restored from on start (Prometheus query API)"),
  f("remoteRead.lookback", "duration", "1h", "How far back alert state is looked up"),
  f("remoteRead.disablePathAppend", "bool", "false", "Do not append /api/v1/query to -remoteRead.url"),
  f("remoteRead.headers", "string", "", "Extra headers 'Name: value', separated by ^^"),
  f("remoteRead.idleConnTimeout", "duration", "50s", "Idle connections are closed after this"),
  f("remoteRead.showURL", "bool", "false", "Show the remote read URL unredacted"),
  f("remoteRead.ignoreRestoreErrors", "bool", "true", "Keep running when restoring state fails"),
  ...clientAuthFlags("remoteRead", "-remoteRead.url", false),

  // Remote write
  f(
    "remoteWrite.url",
    "array",
    "",
    "Remote write URL(s) for recording results and ALERTS series; every URL gets every series, through its own queue",
  ),
  f("remoteWrite.disablePathAppend", "bool", "false", "Do not append /api/v1/write to -remoteWrite.url"),
  f("remoteWrite.concurrency", "int", String(2 * availableParallelism()), "Parallel remote write requests", {
    defaultText: "2 × CPU cores",
  }),
  f("remoteWrite.flushInterval", "duration", "2s", "Interval of flushing the remote write queue"),
  f("remoteWrite.maxBatchSize", "int", "10000", "Series per remote write request"),
  f("remoteWrite.maxQueueSize", "int", "100000", "Series the queue holds; more are dropped"),
  f(
    "remoteWrite.tmpDataPath",
    "string",
    "",
    "Directory of a disk outbox per -remoteWrite.url: queued series survive restarts and outages (empty: the memory queue)",
    { tsalertOnly: true },
  ),
  f(
    "remoteWrite.maxDiskUsagePerURL",
    "arraySize",
    "0",
    "Disk bound of each outbox (one per -remoteWrite.url); past it the oldest series are dropped (0 = no bound)",
    { tsalertOnly: true },
  ),
  f("remoteWrite.sendTimeout", "duration", "30s", "Timeout of one remote write request"),
  f("remoteWrite.retryMinInterval", "duration", "1s", "First retry delay of a failed request"),
  f("remoteWrite.retryMaxTime", "duration", "30s", "Time after which a failing request is dropped"),
  f("remoteWrite.headers", "array", "", "Extra headers 'Name: value', separated by ^^, one item per -remoteWrite.url"),
  f("remoteWrite.idleConnTimeout", "duration", "50s", "Idle connections are closed after this"),
  f("remoteWrite.maxIdleConnections", "int", "100", "Idle keep-alive connections kept"),
  f("remoteWrite.showURL", "bool", "false", "Show the remote write URL unredacted"),
  ...clientAuthFlags("remoteWrite", "-remoteWrite.url", true),

  // Notifier
  f("notifier.url", "array", "", "Alertmanager URL(s); /api/v2/alerts is appended"),
  f("notifier.config", "string", "", "Notifier configuration file (static targets, service discovery)"),
  f("notifier.blackhole", "bool", "false", "Drop alerts instead of sending them (no Alertmanager needed)"),
  f("notifier.sendTimeout", "arrayDuration", "10s", "Timeout of a request to each -notifier.url"),
  f("notifier.headers", "array", "", "Extra headers 'Name: value' separated by ^^, one item per -notifier.url"),
  f("notifier.showURL", "bool", "false", "Show notifier URLs unredacted"),
  f("notifier.suppressDuplicateTargetErrors", "bool", "false", "Do not log duplicate notifier targets"),
  ...clientAuthFlags("notifier", "-notifier.url", true),
  f("promscrape.consulSDCheckInterval", "duration", "30s", "Interval of Consul service discovery"),
  f("promscrape.dnsSDCheckInterval", "duration", "30s", "Interval of DNS service discovery"),
  f("promscrape.consul.waitTime", "duration", "0", "Wait time of Consul blocking queries"),
  f("promscrape.discovery.concurrency", "int", "100", "Concurrent service discovery requests"),
  f("promscrape.discovery.concurrentWaitTime", "duration", "1m", "Wait for a service discovery slot"),

  // Replay
  f("replay.timeFrom", "string", "", "Start (RFC3339) of replay mode: evaluate rules over the past"),
  f("replay.timeTo", "string", "", "End (RFC3339) of replay (default now)"),
  f("replay.maxDatapointsPerQuery", "int", "1000", "Points per range query in replay"),
  f(
    "replay.rulesDelay",
    "duration",
    "1s",
    "Pause after each rule in replay; 0 runs a group's rules by its concurrency",
  ),
  f("replay.ruleRetryAttempts", "int", "5", "Retries of a failed replay query"),
  f("replay.disableProgressBar", "bool", "false", "No progress bar in replay"),
  f("replay.ruleEvaluationConcurrency", "int", "1", "Range queries of one rule in flight at once in replay"),
  f("replay.continueWithExecutionErr", "bool", "false", "Skip rules whose queries fail in replay"),
  f("replay.skipRules", "int", "0", "Resume an interrupted replay: skip the rules it completed (it prints the value)", {
    tsalertOnly: true,
  }),

  // Accepted for vmalert command-line compatibility only
  f("memory.allowedPercent", "float", "60", "vmalert cache sizing; no effect", { ignored: true }),
  f("memory.allowedBytes", "size", "0", "vmalert cache sizing; no effect", { ignored: true }),
  f("fs.disableMmap", "bool", "false", "vmalert storage setting; no effect", { ignored: true }),
  f("internStringCacheExpireDuration", "duration", "6m", "vmalert string cache; no effect", { ignored: true }),
  f("internStringDisableCache", "bool", "false", "vmalert string cache; no effect", { ignored: true }),
  f("internStringMaxLen", "int", "500", "vmalert string cache; no effect", { ignored: true }),
  f("blockcache.missesBeforeCaching", "int", "2", "vmalert cache setting; no effect", { ignored: true }),
  f("filestream.disableFadvise", "bool", "false", "vmalert file reading setting; no effect", { ignored: true }),
  f("fs.disableMincore", "bool", "false", "vmalert file reading setting; no effect", { ignored: true }),
  f(
    "fs.maxConcurrency",
    "int",
    String(Math.min(256, 16 * availableParallelism())),
    "vmalert file I/O setting; no effect",
    {
      ignored: true,
      defaultText: "16 × CPU cores, at most 256",
    },
  ),
  // Enterprise licensing: tsalert needs no licence.
  f("eula", "bool", "false", "vmalert Enterprise licence acceptance; no effect", { ignored: true }),
  f("license", "string", "", "vmalert Enterprise licence key; no effect", { ignored: true, secret: true }),
  f("licenseFile", "string", "", "File with a vmalert Enterprise licence key; no effect", { ignored: true }),
  f("licenseFile.reloadInterval", "duration", "1h", "vmalert Enterprise licence reload; no effect", { ignored: true }),
  f("license.forceOffline", "bool", "false", "vmalert Enterprise offline licence check; no effect", { ignored: true }),
  // Enterprise object storage for -rule: s3:// and gs:// paths are refused by the loader.
  f("s3.configFilePath", "string", "", "vmalert Enterprise S3 config for s3:// rule paths; no effect", {
    ignored: true,
  }),
  f("s3.configProfile", "string", "", "vmalert Enterprise S3 profile for s3:// rule paths; no effect", {
    ignored: true,
  }),
  f("s3.credsFilePath", "string", "", "vmalert Enterprise S3/GCS credentials for rule paths; no effect", {
    ignored: true,
  }),
  f("s3.customEndpoint", "string", "", "vmalert Enterprise S3 endpoint for s3:// rule paths; no effect", {
    ignored: true,
  }),
  f("s3.forcePathStyle", "bool", "true", "vmalert Enterprise S3 path style for s3:// rule paths; no effect", {
    ignored: true,
  }),
  ...["tlsAutocertHosts", "tlsAutocertEmail", "tlsAutocertCacheDir"].map((name) =>
    f(name, name === "tlsAutocertHosts" ? "array" : "string", "", "Let's Encrypt certificates (vmalert Enterprise)", {
      unsupported: "tsalert cannot obtain Let's Encrypt certificates; pass them with -tls -tlsCertFile -tlsKeyFile",
    }),
  ),
];

export const FLAGS_BY_NAME: ReadonlyMap<string, FlagDef> = new Map(FLAGS.map((d) => [d.name, d]));
