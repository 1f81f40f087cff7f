/**
 * `use:measureWidth={(w) => (width = w)}`: an element's width kept in a figure's state, as `bind:clientWidth` keeps
 * it, and given at once when the page fits the figure (measure.ts says why).
 */
import { flushSync } from 'svelte';
import { MEASURED, MEASURE_EVENT } from './measure.ts';

export function measureWidth(node: HTMLElement, set: (width: number) => void) {
  let current = set;
  let last = -1;
  /** Reads the width; true when it changed (the figure's state is then told). */
  const read = () => {
    const w = node.clientWidth;
    if (w === last) return false;
    last = w;
    current(w);
    return true;
  };
  const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => read());
  observer?.observe(node);
  const now = () => {
    if (read()) flushSync();
  };
  node.setAttribute(MEASURED, '');
  node.addEventListener(MEASURE_EVENT, now);
  read();
  return {
    update(set: (width: number) => void) {
      current = set;
    },
    destroy() {
      observer?.disconnect();
      node.removeEventListener(MEASURE_EVENT, now);
    },
  };
}
