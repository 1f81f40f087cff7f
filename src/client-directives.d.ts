/** The article's own client directive (src/figures/kit/hydrationQueue.ts, registered in astro.config.mjs). */
declare namespace Astro {
  interface ClientDirectives {
    'client:queue'?: boolean | { rootMargin?: string };
  }
}
