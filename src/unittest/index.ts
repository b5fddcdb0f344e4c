export { type Backend, type BackendOptions, inputToSeries, startBackend } from "./backend.js";
export { parseUnittestArgs, UNITTEST_USAGE, type UnittestArgs, unittest } from "./cli.js";
export { expandValues, formatLabels, type InputPoint, NotationError, parseSeries } from "./notation.js";
export { fixtureQuerier, loadTestRules, type RunOptions, runTestFile } from "./runfile.js";
export { orderGroups, StepRunner } from "./steps.js";
export {
  parseTestFile,
  readTestFile,
  type TestFile,
  TestFileError,
  type TestFormat,
  VMALERT_TOOL_ZERO,
} from "./testfile.js";
