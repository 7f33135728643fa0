/** What the load generators (support/*-viewers.mjs, `summary()` in viewer-http.mjs) print per kind of request, ms. */
export interface Latency {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
