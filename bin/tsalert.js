#!/usr/bin/env node
import "./heap.js";
import { crashText, main } from "../dist/cli/main.js";

// A crash (a bug) prints the error and its stack, scrubbed of every credential the process knows.
const crash = (code) => (err) => {
  process.stderr.write(`fatal: ${crashText(err)}\n`);
  process.exit(code);
};
process.on("uncaughtException", crash(1));
process.on("unhandledRejection", crash(1));

main(process.argv.slice(2)).then((code) => {
  if (typeof code === "number") process.exitCode = code;
}, crash(255));
