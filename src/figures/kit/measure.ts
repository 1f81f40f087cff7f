/**
 * An element's width, kept in a figure's state by `use:measureWidth` (measureWidth.ts) as `bind:clientWidth` keeps
 * it, and also given at once when the page fits the figure: the sticky frame of a scroll step
 * (src/components/scrollyFit.ts) and a slide of the deck (src/components/deckFit.ts) try sizes by forced layouts
 * within one task, and a figure that sizes its charts from its width in script would otherwise learn its new width
 * only at the next frame's ResizeObserver, after the fit had measured the layout of its old width (and then fit
 * again, moving what the reader was about to touch). `measureWithin(root)` gives every such element under `root`
 * its width now and applies what follows from it to the page before returning.
 */

/** The event a measured element answers by reading its width (dispatched by measureWithin). */
export const MEASURE_EVENT = 'figure:measure';
/** The attribute that marks a measured element. */
export const MEASURED = 'data-measured-width';

/**
 * Every measured element under `root` reads its width now, outer ones first, and the figures lay themselves out
 * from it before this returns (a second pass for parts that a new width rendered anew or resized).
 */
export function measureWithin(root: Element) {
  for (let pass = 0; pass < 3; pass++) {
    const widths = () => [...root.querySelectorAll<HTMLElement>(`[${MEASURED}]`)].map((el) => el.clientWidth).join(',');
    const before = widths();
    for (const el of root.querySelectorAll<HTMLElement>(`[${MEASURED}]`)) el.dispatchEvent(new Event(MEASURE_EVENT));
    if (widths() === before) return;
  }
}
