// The values a PromQL expression evaluates to (Prometheus' four types), and the error the evaluator raises.

export type Labels = Record<string, string>;

/** One element of an instant vector. */
export interface Sample {
  labels: Labels;
  value: number;
  /** ms; the sample's own time where a function needs it (timestamp()), else the evaluation time. */
  ts: number;
}

/** One series of a range vector: the float points inside the window, oldest first. */
export interface RangeSeries {
  labels: Labels;
  ts: number[];
  vs: number[];
}

export interface ScalarValue {
  type: "scalar";
  value: number;
}

export interface StringValue {
  type: "string";
  value: string;
}

export interface VectorValue {
  type: "vector";
  samples: Sample[];
}

export interface MatrixValue {
  type: "matrix";
  series: RangeSeries[];
  /** The window the points were taken from, (start, end] in ms: rate() extrapolates to its edges. */
  start: number;
  end: number;
}

export type Value = ScalarValue | StringValue | VectorValue | MatrixValue;

export type ValueType = Value["type"];

/** An evaluation or type error; the message reads like Prometheus' own. */
export class PromqlError extends Error {
  constructor(
    message: string,
    /** Character offset in the expression the error is about, when known. */
    readonly pos?: number,
  ) {
    super(message);
  }
}
