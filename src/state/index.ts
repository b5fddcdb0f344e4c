export { checkSnapshot, createStateFile } from "./statefile.js";
export * from "./types.js";
