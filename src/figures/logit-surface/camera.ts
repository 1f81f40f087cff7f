/**
 * The logit-surface view's camera, without three.js (the page loads three.js only
 * when the figure comes near): where it starts, how far it may turn and zoom,
 * and what a drag, a key or the wheel does to it.
 */
export interface Camera {
  /** Degrees around the vertical axis, 0 looking along −b. */
  azimuth: number;
  /** Degrees above the plane. */
  elevation: number;
  distance: number;
}

export const CAMERA_LIMITS = { elevation: [5, 85], distance: [1.6, 7] } as const;
export const DEFAULT_CAMERA: Camera = { azimuth: -35, elevation: 30, distance: 3.7 };

const clamp = (v: number, [lo, hi]: readonly number[]) => Math.min(hi, Math.max(lo, v));
const round = (v: number) => Math.round(v * 100) / 100;

/** The camera turned by dAz and dEl degrees and its distance scaled by zoom, within the limits. */
export function orbit(c: Camera, dAz: number, dEl: number, zoom = 1): Camera {
  return {
    azimuth: round((((c.azimuth + dAz + 180) % 360) + 360) % 360 - 180),
    elevation: round(clamp(c.elevation + dEl, CAMERA_LIMITS.elevation)),
    distance: round(clamp(c.distance * zoom, CAMERA_LIMITS.distance)),
  };
}

/** What a key does to the camera (arrows turn, + and − zoom, Home resets); null for other keys. */
export function keyed(c: Camera, key: string): Camera | null {
  const zoomIn = 1 / 1.15;
  const moves: Record<string, () => Camera> = {
    ArrowLeft: () => orbit(c, -10, 0),
    ArrowRight: () => orbit(c, 10, 0),
    ArrowUp: () => orbit(c, 0, 5),
    ArrowDown: () => orbit(c, 0, -5),
    '+': () => orbit(c, 0, 0, zoomIn),
    '=': () => orbit(c, 0, 0, zoomIn),
    '-': () => orbit(c, 0, 0, 1.15),
    _: () => orbit(c, 0, 0, 1.15),
    Home: () => ({ ...DEFAULT_CAMERA }),
  };
  return moves[key]?.() ?? null;
}
