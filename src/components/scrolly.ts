/**
 * The one scroll helper: every .scrolly on the page gets a scrollama instance;
 * entering a step marks it active and tells its figure which step it is on.
 * Figures listen with onFigureStep (src/figures/kit/steps.ts).
 */
import scrollama from 'scrollama';

export interface FigureStepDetail {
  figure: string;
  step: number;
}

/** The last step each figure was sent, for figures that hydrate after the reader has scrolled. */
const current = new Map<string, number>();
(window as unknown as { __figureSteps?: Map<string, number> }).__figureSteps = current;

function setup(root: HTMLElement) {
  const figure = root.dataset.scrolly!;
  const steps = [...root.querySelectorAll<HTMLElement>('.step')];
  if (steps.length === 0) return;
  const scroller = scrollama();
  scroller
    // scrollama's own types declare offsetTrigger where its code reads offset (platform notes)
    .setup({ step: steps, offset: 0.55 } as unknown as Parameters<typeof scroller.setup>[0])
    .onStepEnter(({ element }: { element: HTMLElement }) => {
      steps.forEach((s) => s.toggleAttribute('data-active', s === element));
      const step = Number(element.dataset.step);
      current.set(figure, step);
      window.dispatchEvent(new CustomEvent<FigureStepDetail>('figure-step', { detail: { figure, step } }));
    });
  window.addEventListener('resize', () => scroller.resize());
}

// Each .scrolly is set up when it comes within a screen of the viewport, not all at load: scrollama measures its
// steps, and measuring them in chapters the browser has not laid out yet (content-visibility) would lay out the
// whole page at once. Until then its figure shows its first state, which is what a reader above it would see.
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
