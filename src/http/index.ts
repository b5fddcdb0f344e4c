export { type HttpFlagReader, httpOptionsFromFlags, readPasswordFlag } from "./flags.js";
export { escapeHtml, html } from "./html.js";
export { parseSeriesSelector, type SeriesSelector, selectorMatches } from "./selector.js";
export { createHttpServer, type HttpHooks, type HttpServer, type HttpServerOptions } from "./server.js";
export { vmuiLinkBuilder } from "./vmui.js";
