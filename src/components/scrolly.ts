/**
 * The one scroll helper: every .scrolly on the page gets a scrollama instance;
 * entering a step marks it active and tells its figure which step it is on.
 * Figures listen with onFigureStep (src/figures/kit/steps.ts).
 */
import scrollama from 'scrollama';
import { ScrollyFit, focusKeys, PHONE_SHARE, TWO_COLUMNS } from './scrollyFit.ts';

export interface FigureStepDetail {
  figure: string;
  step: number;
}

/** The last step each figure was sent, for figures that hydrate after the reader has scrolled. */
const current = new Map<string, number>();
(window as unknown as { __figureSteps?: Map<string, number> }).__figureSteps = current;

const twoColumns = window.matchMedia(TWO_COLUMNS);
/**
 * Where a step takes over, as a share of the screen's height from its top: beside two columns, a little below the
 * middle; on one column, in the middle of the band below the figure, where the cards are read.
 */
const trigger = () => (twoColumns.matches ? 0.55 : (1 + PHONE_SHARE) / 2);

function setup(root: HTMLElement) {
  const figure = root.dataset.scrolly!;
  const steps = [...root.querySelectorAll<HTMLElement>('.step')];
  if (steps.length === 0) return;
  const frame = root.querySelector<HTMLElement>('.scrolly-figure')!;
  const fit = new ScrollyFit(frame, frame.querySelector<HTMLElement>('.figure-place') ?? frame);
  // before the reader reaches a step, the figure shows what its first step speaks of
  fit.setFocus(focusKeys(steps[0]));
  const scroller = scrollama();
  scroller
    // scrollama's own types declare offsetTrigger where its code reads offset (platform notes)
    .setup({ step: steps, offset: trigger() } as unknown as Parameters<typeof scroller.setup>[0])
    .onStepEnter(({ element }: { element: HTMLElement }) => {
      steps.forEach((s) => s.toggleAttribute('data-active', s === element));
      const step = Number(element.dataset.step);
      current.set(figure, step);
      fit.setFocus(focusKeys(element));
      window.dispatchEvent(new CustomEvent<FigureStepDetail>('figure-step', { detail: { figure, step } }));
    });
  window.addEventListener('resize', () => scroller.resize());
  // crossing between one column and two moves the trigger
  // (scrollama's types leave out offset(), which its code has)
  twoColumns.addEventListener('change', () => (scroller as unknown as { offset(x: number): void }).offset(trigger()));
}

// Each .scrolly is set up when it comes within a screen of the viewport, not all at load: scrollama measures its
// steps, and measuring every scrolly's steps at load forced a layout of the whole page. Until then its figure shows
// its first state, which is what a reader above it would see.
const roots = [...document.querySelectorAll<HTMLElement>('.scrolly')];
if (typeof IntersectionObserver === 'undefined') roots.forEach(setup);
else {
  const near = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        near.unobserve(e.target);
        setup(e.target as HTMLElement);
      }
    },
    { rootMargin: '100% 0px 100% 0px' },
  );
  roots.forEach((r) => near.observe(r));
}
