/**
 * The Distill d-figure pattern: a figure is told when it comes within two
 * screens of the viewport (to load ahead of the reader) and when it leaves
 * (to pause). Used as a Svelte action: use:nearViewport={{ near, far }}.
 * The figure also gives its nearness to its own runners through the
 * component's context (provideNear / figureNear), so that they stop their work
 * in flight when it goes far.
 */
import { getContext, setContext } from 'svelte';

const NEAR = Symbol('figure near');

/** Gives the component's runners (and its children's) whether the figure is near; called while the component is set up. */
export function provideNear(near: () => boolean): void {
  setContext(NEAR, near);
}

/** The figure's nearness, as provideNear gave it, or undefined outside a figure; called while the component is set up. */
export function figureNear(): (() => boolean) | undefined {
  return getContext<(() => boolean) | undefined>(NEAR);
}
export interface NearViewportOptions {
  near: () => void;
  far?: () => void;
}

export function nearViewport(node: HTMLElement, options: NearViewportOptions) {
  let current = options;
  if (typeof IntersectionObserver === 'undefined') {
    current.near();
    return { update: (o: NearViewportOptions) => (current = o), destroy() {} };
  }
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) (entry.isIntersecting ? current.near : current.far)?.();
    },
    { rootMargin: '200% 0px 200% 0px' },
  );
  observer.observe(node);
  return {
    update(o: NearViewportOptions) {
      current = o;
    },
    destroy() {
      observer.disconnect();
    },
  };
}
