/** A camera frame as it arrived on `mirror.<id>.frame`. */
export interface IncomingFrame {
  /** JPEG bytes. */
  data: Uint8Array;
  /** Capture time (mirror clock), ms. */
  ts: number;
  seq: number;
  /** Arrival time (this server's clock), ms: the state machine runs on it, immune to mirror clock skew. */
  receivedAt: number;
}
