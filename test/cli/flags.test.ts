import { describe, expect, it } from "vitest";
import { splitArrayValue } from "../../src/cli/arrayvalue.js";
import { FLAGS } from "../../src/cli/flags.js";
import { FlagSet, parseFlags } from "../../src/cli/flagset.js";
import { formatGoDuration, parseGoDuration } from "../../src/cli/goduration.js";
import { engineSettings } from "../../src/cli/options.js";
import { TsalertError } from "../../src/errors.js";

function flagError(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseFlags(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(TsalertError);
    expect((err as TsalertError).code).toBe("TSA_FLAG");
    return (err as Error).message;
  }
  throw new Error("expected a flag error");
}

describe("flag syntax (Go flag package)", () => {
  it("takes -name=value, --name=value and -name value", () => {
    const { flags, args } = parseFlags(
      ["-datasource.url=http://a", "--evaluationInterval=30s", "-loggerLevel", "WARN"],
      {},
    );
    expect(flags.string("datasource.url")).toBe("http://a");
    expect(flags.duration("evaluationInterval")).toBe(30_000);
    expect(flags.string("loggerLevel")).toBe("WARN");
    expect(args).toEqual([]);
  });

  it("treats -b as true and only -b=false as false", () => {
    expect(parseFlags(["-dryRun"], {}).flags.bool("dryRun")).toBe(true);
    expect(parseFlags(["-rule.validateExpressions=false"], {}).flags.bool("rule.validateExpressions")).toBe(false);
    expect(parseFlags(["-dryRun=0"], {}).flags.bool("dryRun")).toBe(false);
    const { flags, args } = parseFlags(["-dryRun", "false"], {});
    expect(flags.bool("dryRun")).toBe(true);
    expect(args).toEqual(["false"]);
  });

  it("stops at the first non-flag argument and after --", () => {
    expect(parseFlags(["-dryRun", "x", "-rule=a"], {}).args).toEqual(["x", "-rule=a"]);
    expect(parseFlags(["--", "-rule=a"], {}).args).toEqual(["-rule=a"]);
  });

  it("returns vmalert defaults for flags not given", () => {
    const flags = new FlagSet();
    expect(flags.duration("evaluationInterval")).toBe(60_000);
    expect(flags.duration("rule.evalDelay")).toBe(30_000);
    expect(flags.duration("datasource.queryStep")).toBe(300_000);
    expect(flags.duration("datasource.queryTimeout")).toBe(30_000);
    expect(flags.duration("rule.templateTimeout")).toBe(25);
    expect(flags.duration("remoteRead.lookback")).toBe(3_600_000);
    expect(flags.int("rule.updateEntriesLimit")).toBe(20);
    expect(flags.int("remoteWrite.maxBatchSize")).toBe(10_000);
    expect(flags.bool("rule.validateTemplates")).toBe(true);
    expect(flags.bool("remoteRead.ignoreRestoreErrors")).toBe(true);
    expect(flags.list("httpListenAddr")).toEqual([":8880"]);
    expect(flags.list("rule")).toEqual([]);
    expect(flags.string("state.path")).toBe("");
    expect(flags.isSet("evaluationInterval")).toBe(false);
  });

  it("parses every default of the table with the flag's own type", () => {
    expect(() => new FlagSet()).not.toThrow();
    expect(new Set(FLAGS.map((f) => f.name)).size).toBe(FLAGS.length);
  });

  it("declares every flag name vmalert 1.79.5 prints in -help", () => {
    // From `vmalert -help` of the Debian 1.79.5 package (names only), so vmalert command lines parse.
    const vmalert179 =
      "configCheckInterval datasource.appendTypePrefix datasource.basicAuth.password datasource.basicAuth.passwordFile datasource.basicAuth.username datasource.bearerToken datasource.bearerTokenFile datasource.disableKeepAlive datasource.lookback datasource.maxIdleConnections datasource.oauth2.clientID datasource.oauth2.clientSecret datasource.oauth2.clientSecretFile datasource.oauth2.scopes datasource.oauth2.tokenUrl datasource.queryStep datasource.queryTimeAlignment datasource.roundDigits datasource.showURL datasource.tlsCAFile datasource.tlsCertFile datasource.tlsInsecureSkipVerify datasource.tlsKeyFile datasource.tlsServerName datasource.url disableAlertgroupLabel dryRun enableTCP6 envflag.enable envflag.prefix evaluationInterval external.alert.source external.label external.url flagsAuthKey fs.disableMmap http.connTimeout http.disableResponseCompression http.idleConnTimeout http.maxGracefulShutdownDuration http.pathPrefix http.shutdownDelay httpAuth.password httpAuth.username httpListenAddr loggerDisableTimestamps loggerErrorsPerSecondLimit loggerFormat loggerLevel loggerOutput loggerTimezone loggerWarnsPerSecondLimit memory.allowedBytes memory.allowedPercent metricsAuthKey notifier.basicAuth.password notifier.basicAuth.passwordFile notifier.basicAuth.username notifier.bearerToken notifier.bearerTokenFile notifier.config notifier.oauth2.clientID notifier.oauth2.clientSecret notifier.oauth2.clientSecretFile notifier.oauth2.scopes notifier.oauth2.tokenUrl notifier.suppressDuplicateTargetErrors notifier.tlsCAFile notifier.tlsCertFile notifier.tlsInsecureSkipVerify notifier.tlsKeyFile notifier.tlsServerName notifier.url pprofAuthKey promscrape.consul.waitTime promscrape.consulSDCheckInterval promscrape.discovery.concurrency promscrape.discovery.concurrentWaitTime promscrape.dnsSDCheckInterval remoteRead.basicAuth.password remoteRead.basicAuth.passwordFile remoteRead.basicAuth.username remoteRead.bearerToken remoteRead.bearerTokenFile remoteRead.disablePathAppend remoteRead.ignoreRestoreErrors remoteRead.lookback remoteRead.oauth2.clientID remoteRead.oauth2.clientSecret remoteRead.oauth2.clientSecretFile remoteRead.oauth2.scopes remoteRead.oauth2.tokenUrl remoteRead.showURL remoteRead.tlsCAFile remoteRead.tlsCertFile remoteRead.tlsInsecureSkipVerify remoteRead.tlsKeyFile remoteRead.tlsServerName remoteRead.url remoteWrite.basicAuth.password remoteWrite.basicAuth.passwordFile remoteWrite.basicAuth.username remoteWrite.bearerToken remoteWrite.bearerTokenFile remoteWrite.concurrency remoteWrite.disablePathAppend remoteWrite.flushInterval remoteWrite.maxBatchSize remoteWrite.maxQueueSize remoteWrite.oauth2.clientID remoteWrite.oauth2.clientSecret remoteWrite.oauth2.clientSecretFile remoteWrite.oauth2.scopes remoteWrite.oauth2.tokenUrl remoteWrite.showURL remoteWrite.tlsCAFile remoteWrite.tlsCertFile remoteWrite.tlsInsecureSkipVerify remoteWrite.tlsKeyFile remoteWrite.tlsServerName remoteWrite.url replay.disableProgressBar replay.maxDatapointsPerQuery replay.ruleRetryAttempts replay.rulesDelay replay.timeFrom replay.timeTo rule rule.configCheckInterval rule.maxResolveDuration rule.resendDelay rule.templates rule.validateExpressions rule.validateTemplates tls tlsCertFile tlsCipherSuites tlsKeyFile version".split(
        " ",
      );
    const declared = new Set(FLAGS.map((f) => f.name));
    expect(vmalert179.filter((n) => !declared.has(n))).toEqual([]);
  });

  it("declares every flag name newest vmalert prints in -help: each works, is ignored or refuses with a reason", () => {
    // Names from newest vmalert's -help (its docs' flag list, Enterprise-only flags included, since the
    // open-source binary prints them too).
    const newest =
      "blockcache.missesBeforeCaching clusterMode configCheckInterval datasource.appendTypePrefix datasource.basicAuth.password datasource.basicAuth.passwordFile datasource.basicAuth.username datasource.bearerToken datasource.bearerTokenFile datasource.disableKeepAlive datasource.disableStepParam datasource.headers datasource.idleConnTimeout datasource.maxIdleConnections datasource.oauth2.clientID datasource.oauth2.clientSecret datasource.oauth2.clientSecretFile datasource.oauth2.endpointParams datasource.oauth2.scopes datasource.oauth2.tokenUrl datasource.queryStep datasource.roundDigits datasource.showURL datasource.tlsCAFile datasource.tlsCertFile datasource.tlsInsecureSkipVerify datasource.tlsKeyFile datasource.tlsServerName datasource.url defaultTenant.graphite defaultTenant.prometheus disableAlertgroupLabel dryRun enableTCP6 envflag.enable envflag.prefix eula evaluationInterval external.alert.source external.label external.url filestream.disableFadvise flagsAuthKey fs.disableMincore fs.disableMmap fs.maxConcurrency group.maxStartDelay http.connTimeout http.disableCORS http.disableKeepAlive http.disableResponseCompression http.header.csp http.header.disableServerHostname http.header.frameOptions http.header.hsts http.idleConnTimeout http.maxGracefulShutdownDuration http.pathPrefix http.shutdownDelay httpAuth.password httpAuth.username httpListenAddr httpListenAddr.useProxyProtocol internStringCacheExpireDuration internStringDisableCache internStringMaxLen license license.forceOffline licenseFile licenseFile.reloadInterval loggerDisableTimestamps loggerErrorsPerSecondLimit loggerFormat loggerJSONFields loggerLevel loggerMaxArgLen loggerOutput loggerTimezone loggerWarnsPerSecondLimit memory.allowedBytes memory.allowedPercent metrics.exposeMetadata metricsAuthKey mtls mtlsCAFile notifier.basicAuth.password notifier.basicAuth.passwordFile notifier.basicAuth.username notifier.bearerToken notifier.bearerTokenFile notifier.blackhole notifier.config notifier.headers notifier.oauth2.clientID notifier.oauth2.clientSecret notifier.oauth2.clientSecretFile notifier.oauth2.endpointParams notifier.oauth2.scopes notifier.oauth2.tokenUrl notifier.sendTimeout notifier.showURL notifier.suppressDuplicateTargetErrors notifier.tlsCAFile notifier.tlsCertFile notifier.tlsInsecureSkipVerify notifier.tlsKeyFile notifier.tlsServerName notifier.url pprofAuthKey promscrape.consul.waitTime promscrape.consulSDCheckInterval promscrape.discovery.concurrency promscrape.discovery.concurrentWaitTime promscrape.dnsSDCheckInterval pushmetrics.disableCompression pushmetrics.extraLabel pushmetrics.header pushmetrics.interval pushmetrics.url reloadAuthKey remoteRead.basicAuth.password remoteRead.basicAuth.passwordFile remoteRead.basicAuth.username remoteRead.bearerToken remoteRead.bearerTokenFile remoteRead.disablePathAppend remoteRead.headers remoteRead.idleConnTimeout remoteRead.lookback remoteRead.oauth2.clientID remoteRead.oauth2.clientSecret remoteRead.oauth2.clientSecretFile remoteRead.oauth2.endpointParams remoteRead.oauth2.scopes remoteRead.oauth2.tokenUrl remoteRead.showURL remoteRead.tlsCAFile remoteRead.tlsCertFile remoteRead.tlsInsecureSkipVerify remoteRead.tlsKeyFile remoteRead.tlsServerName remoteRead.url remoteWrite.basicAuth.password remoteWrite.basicAuth.passwordFile remoteWrite.basicAuth.username remoteWrite.bearerToken remoteWrite.bearerTokenFile remoteWrite.concurrency remoteWrite.disablePathAppend remoteWrite.flushInterval remoteWrite.headers remoteWrite.idleConnTimeout remoteWrite.maxBatchSize remoteWrite.maxQueueSize remoteWrite.oauth2.clientID remoteWrite.oauth2.clientSecret remoteWrite.oauth2.clientSecretFile remoteWrite.oauth2.endpointParams remoteWrite.oauth2.scopes remoteWrite.oauth2.tokenUrl remoteWrite.retryMaxTime remoteWrite.retryMinInterval remoteWrite.sendTimeout remoteWrite.showURL remoteWrite.tlsCAFile remoteWrite.tlsCertFile remoteWrite.tlsInsecureSkipVerify remoteWrite.tlsKeyFile remoteWrite.tlsServerName remoteWrite.url replay.continueWithExecutionErr replay.disableProgressBar replay.maxDatapointsPerQuery replay.ruleEvaluationConcurrency replay.ruleRetryAttempts replay.rulesDelay replay.timeFrom replay.timeTo rule rule.defaultRuleType rule.evalDelay rule.maxResolveDuration rule.resendDelay rule.resultsLimit rule.stripFilePath rule.templates rule.updateEntriesLimit rule.validateExpressions rule.validateTemplates s3.configFilePath s3.configProfile s3.credsFilePath s3.customEndpoint s3.forcePathStyle tls tlsAutocertCacheDir tlsAutocertEmail tlsAutocertHosts tlsCertFile tlsCipherSuites tlsKeyFile tlsMinVersion version".split(
        " ",
      );
    const byName = new Map(FLAGS.map((f) => [f.name, f]));
    expect(newest.filter((n) => !byName.has(n))).toEqual([]);
    expect(flagError(["-tlsAutocertHosts=alerts.example.com"])).toBe(
      "flag -tlsAutocertHosts is not supported: tsalert cannot obtain Let's Encrypt certificates; pass them with -tls -tlsCertFile -tlsKeyFile",
    );
    expect(flagError(["-envflag.enable"], { tlsAutocertEmail: "a@b" })).toContain(
      "environment variable tlsAutocertEmail: flag -tlsAutocertEmail is not supported",
    );
    const { flags } = parseFlags(["-license=abc", "-eula", "-s3.forcePathStyle=false", "-fs.maxConcurrency=8"], {});
    expect(flags.isSet("license")).toBe(true);
    for (const n of ["license", "eula", "s3.forcePathStyle", "fs.maxConcurrency", "filestream.disableFadvise"]) {
      expect(byName.get(n)?.ignored).toBe(true);
    }
  });
});

describe("array flags", () => {
  it("append when repeated and split at commas", () => {
    const { flags } = parseFlags(["-rule=a.rules,b/*.yml", "-rule", "c.rules", "-external.label=env=prod"], {});
    expect(flags.list("rule")).toEqual(["a.rules", "b/*.yml", "c.rules"]);
    expect(flags.list("external.label")).toEqual(["env=prod"]);
  });

  it("replace the default instead of adding to it", () => {
    expect(parseFlags(["-httpListenAddr=127.0.0.1:9000"], {}).flags.list("httpListenAddr")).toEqual(["127.0.0.1:9000"]);
  });

  it("follow vmalert's quoting rules", () => {
    expect(splitArrayValue("")).toEqual([""]);
    expect(splitArrayValue("a,b")).toEqual(["a", "b"]);
    expect(splitArrayValue("a,")).toEqual(["a", ""]);
    expect(splitArrayValue('"a,b",c')).toEqual(["a,b", "c"]);
    expect(splitArrayValue("'a,b',c")).toEqual(["a,b", "c"]);
    expect(splitArrayValue('"x\\ty"')).toEqual(["x\ty"]);
    expect(splitArrayValue("f(a,b),[1,2],{x,y}")).toEqual(["f(a,b)", "[1,2]", "{x,y}"]);
  });

  it("give per-URL items: one item for all, missing ones default", () => {
    const one = parseFlags(["-notifier.sendTimeout=5s"], {}).flags;
    expect(one.itemAt("notifier.sendTimeout", 3)).toBe(5000);
    const two = parseFlags(["-notifier.sendTimeout=5s,7s"], {}).flags;
    expect(two.durationList("notifier.sendTimeout")).toEqual([5000, 7000]);
    expect(two.itemAt("notifier.sendTimeout", 1)).toBe(7000);
    expect(two.itemAt("notifier.sendTimeout", 2)).toBe(10_000);
    const bools = parseFlags(["-notifier.tlsInsecureSkipVerify=true,false"], {}).flags;
    expect(bools.boolList("notifier.tlsInsecureSkipVerify")).toEqual([true, false]);
  });
});

describe("environment", () => {
  it("replaces %{ENV} placeholders in arguments, keeping unknown ones", () => {
    const { flags } = parseFlags(["-datasource.url=http://%{HOST}:8428", "-external.url=%{NOPE}"], { HOST: "vm" });
    expect(flags.string("datasource.url")).toBe("http://vm:8428");
    expect(flags.string("external.url")).toBe("%{NOPE}");
  });

  it("reads unset flags from env with -envflag.enable, a.b as a_b, command line first", () => {
    const env = { TSA_datasource_url: "http://env", TSA_evaluationInterval: "15s", TSA_rule: "x.rules,y.rules" };
    const { flags } = parseFlags(["-envflag.enable", "-envflag.prefix=TSA_", "-evaluationInterval=20s"], env);
    expect(flags.string("datasource.url")).toBe("http://env");
    expect(flags.duration("evaluationInterval")).toBe(20_000);
    expect(flags.list("rule")).toEqual(["x.rules", "y.rules"]);
    expect(parseFlags([], env).flags.string("datasource.url")).toBe("");
  });

  it("names the variable when its value is bad", () => {
    expect(flagError(["-envflag.enable"], { evaluationInterval: "soon" })).toMatch(
      /^environment variable evaluationInterval: invalid value "soon" for flag -evaluationInterval/,
    );
  });
});

describe("flag errors name the flag", () => {
  it.each([
    [["-nope"], "flag provided but not defined: -nope"],
    [["-rule"], "flag needs an argument: -rule"],
    [
      ["-evaluationInterval=1d"],
      'invalid value "1d" for flag -evaluationInterval: want a Go duration such as 30s, 1m30s or 1.5h (no d, w or y)',
    ],
    [["-dryRun=maybe"], 'invalid value "maybe" for flag -dryRun: want true or false'],
    [["-rule.resultsLimit=ten"], 'invalid value "ten" for flag -rule.resultsLimit: want an integer'],
    [["---x"], "bad flag syntax: ---x"],
    [["-=x"], "bad flag syntax: -=x"],
  ])("%j", (argv, message) => {
    expect(flagError(argv)).toBe(message);
  });

  it("throws a programming error for undeclared names and wrong getters", () => {
    const flags = new FlagSet();
    expect(() => flags.string("no.such.flag")).toThrow(/not declared/);
    expect(() => flags.bool("rule")).toThrow(/is array, not bool/);
  });
});

describe("Go durations", () => {
  it.each([
    ["1m30s", 90_000],
    ["1.5h", 5_400_000],
    ["500ms", 500],
    ["0", 0],
    ["-2s", -2000],
    ["1h2m3s4ms", 3_723_004],
    ["250us", 0.25],
  ])("%s", (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each(["1d", "1w", "10", "", "m", "1.s.s"])("rejects %j", (text) => {
    expect(parseGoDuration(text)).toBeNull();
  });

  it("formats like Go's Duration.String", () => {
    expect(formatGoDuration(60_000)).toBe("1m0s");
    expect(formatGoDuration(90_000)).toBe("1m30s");
    expect(formatGoDuration(3_600_000)).toBe("1h0m0s");
    expect(formatGoDuration(1500)).toBe("1.5s");
    expect(formatGoDuration(500)).toBe("500ms");
    expect(formatGoDuration(-360_000)).toBe("-6m0s");
    expect(formatGoDuration(0)).toBe("0s");
  });
});

describe("secrets", () => {
  it("never shows secret values in redactedFlags, -secret.flags adds more", () => {
    const { flags } = parseFlags(
      [
        "-datasource.basicAuth.password=hunter2",
        "-notifier.bearerToken=tok1,tok2",
        "-remoteWrite.url=http://user:pw@rw",
        "-secret.flags=remoteWrite.url",
      ],
      {},
    );
    const shown = flags.redactedFlags();
    const text = JSON.stringify(shown);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("tok1");
    expect(text).not.toContain("pw@rw");
    expect(shown.find((f) => f.name === "datasource.basicAuth.password")).toEqual({
      name: "datasource.basicAuth.password",
      value: "secret",
      isSet: true,
    });
    expect(shown.find((f) => f.name === "evaluationInterval")).toEqual({
      name: "evaluationInterval",
      value: "1m0s",
      isSet: false,
    });
  });

  it("marks every password, token, client secret and auth key flag as secret", () => {
    const credential = /password$|bearerToken$|clientSecret$|AuthKey$/;
    const unmarked = FLAGS.filter((f) => credential.test(f.name) && !f.secret).map((f) => f.name);
    expect(unmarked).toEqual([]);
  });
});

describe("-rule.templateTimeout", () => {
  it("reaches the engine settings in ms; 0 turns the time budget off", () => {
    expect(engineSettings(parseFlags([], {}).flags).templateTimeout).toBe(25);
    expect(engineSettings(parseFlags(["-rule.templateTimeout=250ms"], {}).flags).templateTimeout).toBe(250);
    expect(engineSettings(parseFlags(["-rule.templateTimeout=0"], {}).flags).templateTimeout).toBe(0);
  });

  it("-rule.maxConcurrency and -rule.maxConcurrentEvals reach the engine; values below their minimum are refused", () => {
    const d = engineSettings(parseFlags([], {}).flags);
    expect([d.maxConcurrency, d.maxConcurrentEvals]).toEqual([8, 100]);
    const s = engineSettings(parseFlags(["-rule.maxConcurrency=2", "-rule.maxConcurrentEvals=0"], {}).flags);
    expect([s.maxConcurrency, s.maxConcurrentEvals]).toEqual([2, 0]);
    expect(() => engineSettings(parseFlags(["-rule.maxConcurrency=0"], {}).flags)).toThrow(
      'invalid value "0" for flag -rule.maxConcurrency: must be at least 1',
    );
  });
});
