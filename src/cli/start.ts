// The engine's entry point in whichever thread `launch` (./launch.ts) picked: crash handlers, the
// process's signals when they arrive as messages, then `main`.
import { constants } from "node:os";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { crash, exitOnCrash } from "./crash.js";
import { main } from "./main.js";

/** Message from the main thread to the engine's (./launch.ts): a signal the process received. */
export interface SignalMessage {
  signal: NodeJS.Signals;
}

/** Runs main(argv) and sets the exit code; a crash (a bug) prints the error, scrubbed, and exits. */
export function start(argv: string[]): void {
  exitOnCrash();
  main(argv).then((code) => {
    if (typeof code === "number") process.exitCode = code;
  }, crash(255));
}

if (!isMainThread && parentPort) {
  // Node delivers signals to the main thread only; `launch` forwards them and they reach `run`'s
  // process.on handlers as if delivered here. Before `run` listens (modules still loading) a signal does
  // what it would do to a process without handlers: end it. The port must not keep the thread alive
  // after `main`.
  const port = parentPort;
  port.on("message", (m: SignalMessage) => {
    if (process.listenerCount(m.signal) > 0) process.emit(m.signal, m.signal);
    else process.exit(128 + (constants.signals[m.signal] ?? 0));
  });
  port.unref();
  start((workerData as { argv: string[] }).argv);
}
