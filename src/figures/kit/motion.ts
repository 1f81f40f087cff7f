/**
 * The one animation token: every duration in the site goes through it, and it
 * is zero when the reader asks for reduced motion.
 */
export const BASE_DURATION_MS = 250;

export function reducedMotion(): boolean {
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

export function duration(ms: number = BASE_DURATION_MS): number {
  return reducedMotion() ? 0 : ms;
}
