/**
 * A figure's side of the scroll steps: each figure lists the state of each of
 * its steps, and follows the step the reader is on (article) or the one in its
 * URL (?step=N, embed page).
 */
export interface FigureStepDetail {
  figure: string;
  step: number;
}

/** Calls back with each step the reader enters for this figure; returns the unsubscribe function. */
export function onFigureStep(figure: string, callback: (step: number) => void): () => void {
  const listener = (e: Event) => {
    const d = (e as CustomEvent<FigureStepDetail>).detail;
    if (d.figure === figure) callback(d.step);
  };
  window.addEventListener('figure-step', listener);
  const already = (window as unknown as { __figureSteps?: Map<string, number> }).__figureSteps?.get(figure);
  if (already !== undefined) callback(already);
  return () => window.removeEventListener('figure-step', listener);
}

/** ?step=N on an embed page: the step number, or a message when it is not one of the figure's steps. */
export function stepFromUrl(search: string, count: number): { step: number | null; message?: string } {
  const raw = new URLSearchParams(search).get('step');
  if (raw === null) return { step: null };
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 1 && n <= count) return { step: n };
  const shownRaw = JSON.stringify(raw.length > 40 ? raw.slice(0, 40) + '…' : raw);
  return { step: null, message: `step=${shownRaw} is not a step of this figure (1 to ${count}); showing its default state.` };
}
