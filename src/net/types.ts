// Shared outbound HTTP settings: every client (datasource, remote read/write, notifier) takes these,
// built from the `-<prefix>.basicAuth.*`, `.bearerToken*`, `.oauth2.*`, `.tls*`, `.headers` flags.

export interface TlsOptions {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
  insecureSkipVerify?: boolean;
}

export interface OAuth2Options {
  clientID: string;
  clientSecret?: string;
  clientSecretFile?: string;
  tokenURL: string;
  scopes?: string[];
  endpointParams?: Record<string, string>;
}

export interface AuthOptions {
  basicAuth?: { username?: string; usernameFile?: string; password?: string; passwordFile?: string };
  bearerToken?: string;
  bearerTokenFile?: string;
  oauth2?: OAuth2Options;
  tls?: TlsOptions;
  /** Extra headers sent on every request. */
  headers?: Record<string, string>;
}

export interface ClientOptions extends AuthOptions {
  maxIdleConnections?: number;
  /** ms */
  idleConnTimeout?: number;
  disableKeepAlive?: boolean;
  /** Print URLs and credentials in logs and errors (the `-*.showURL` flags). */
  showURL?: boolean;
  /** -enableTCP6: `dns+` URLs also use AAAA records. */
  enableTCP6?: boolean;
  /** Resolver for `dns+` / `srv+` URLs (default: the system's). */
  resolver?: import("./balance.js").Resolver;
}
