export { type Backend, type BackendOptions, inputToSeries, startBackend } from "./backend.js";
export { parseUnittestArgs, UNITTEST_USAGE, type UnittestArgs, unittest } from "./cli.js";
export { fixtureQuerier } from "./fixture.js";
export { expandValues, formatLabels, type InputPoint, NotationError, parseSeries } from "./notation.js";
export { type FileResult, loadTestRules, type RunOptions, runTestFile, type TestResult } from "./runfile.js";
export { orderGroups, StepRunner } from "./steps.js";
export {
  parseTestFile,
  readTestFile,
  type TestFile,
  TestFileError,
  type TestFormat,
} from "./testfile.js";
