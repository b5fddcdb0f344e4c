export {
  createHttpClient,
  DEFAULT_MAX_BODY_BYTES,
  type HttpClient,
  type HttpErrorKind,
  type HttpRequest,
  HttpRequestError,
  type HttpResponse,
} from "./client.js";
export { isSecretHeader, maskHeaderList, parseHeaderList, parseHeaders } from "./headers.js";
export {
  jsonErrorText,
  peerSnippet,
  redactURL,
  registerAuthorization,
  registerHeaderSecrets,
  registerSecret,
  registerURLSecrets,
  SECRET_REPLACEMENT,
  scrubPeerText,
  scrubSecrets,
} from "./redact.js";
export type { AuthOptions, ClientOptions, OAuth2Options, TlsOptions } from "./types.js";
