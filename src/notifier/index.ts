export {
  AlertmanagerNotifier,
  type AlertmanagerOptions,
  alertsBodies,
  DEFAULT_SEND_TIMEOUT_MS,
} from "./alertmanager.js";
export { BlackholeNotifier } from "./blackhole.js";
export { loadNotifierConfig, type NotifierFileConfig, parseNotifierConfig } from "./config.js";
export type { DnsResolver } from "./discovery.js";
export { RecordingNotifier, staticNotifierSet } from "./fake.js";
export { countSkippedSend } from "./metrics.js";
export { type Labels, parseRelabelConfig, parseRelabelConfigs, type RelabelRule, relabel } from "./relabel.js";
export {
  createNotifierSet,
  type NotifierSetOptions,
  type NotifierURLOptions,
  notifierURL,
} from "./set.js";
export type {
  ApiNotifierGroup,
  ApiNotifierTarget,
  ManagedNotifierSet,
  Notifier,
  NotifierAlert,
  NotifierSet,
} from "./types.js";
