/**
 * One seeded generator for everything random in the site and the scripts
 * (shuffles, initialisation, Gaussian rubbish inputs), so that Node and the
 * browser draw the same numbers from the same seed. mulberry32: 32-bit state.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal, Box–Muller. */
  normal(): number;
}

export function seeded(seed: number): Random {
  let a = seed >>> 0;
  let spare: number | null = null;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** A seeded Fisher–Yates permutation of 0 … n−1. */
export function permutation(n: number, random: Random): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
