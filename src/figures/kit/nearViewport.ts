/**
 * The Distill d-figure pattern: a figure is told when it comes within two
 * screens of the viewport (to load ahead of the reader) and when it leaves
 * (to pause). Used as a Svelte action: use:nearViewport={{ near, far }}.
 */
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
