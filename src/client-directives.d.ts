/** The article's own client directive (src/figures/kit/hydrationQueue.ts, registered in astro.config.mjs). */
declare namespace Astro {
  interface ClientDirectives {
    'client:queue'?: boolean | { rootMargin?: string };
  }
}

/** Each figure's components' CSS, by the figure's name (scripts/lib/island-css.ts): the embed pages' styles. */
declare module 'virtual:harnessing/figure-css' {
  const css: Record<string, string>;
  export default css;
}
