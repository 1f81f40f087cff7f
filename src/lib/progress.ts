/** What every long computation in src/lib takes: where it reports how far it is, and how it is asked to stop. */
export interface Cancellable {
  /** Fraction done (0 to 1) and what it is doing now. */
  onProgress?: (fraction: number, label: string) => void;
  /** Checked between batches; true stops it with a CancelledError. */
  cancelled?: () => boolean;
}
