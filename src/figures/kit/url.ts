/**
 * A figure's first state: its defaults in the article; on its embed page the
 * URL's values (refused or clamped with a message), and with ?step=N that
 * step's state, where a value named in the URL beside it wins. Read at
 * initialisation, before any effect writes the state back into the URL.
 */
import { defaults, enforceWithin, parseState, serializeState, type StateOf, type StateTable } from './state.ts';
import { stepFromUrl } from './steps.ts';
import { pageMessages } from './pageMessages.ts';

export function initialFigureState<T extends StateTable>(
  table: T,
  steps: Partial<StateOf<T>>[],
  embed: boolean,
): { state: StateOf<T>; messages: string[]; step: number | null } {
  if (!embed || typeof location === 'undefined') return { state: defaults(table), messages: [], step: null };
  const search = location.search;
  const given = new URLSearchParams(search);
  const parsed = parseState(table, given);
  const urlStep = stepFromUrl(search, steps.length);
  const state = parsed.state as Record<string, unknown>;
  const stepMessages: string[] = [];
  if (urlStep.step !== null) {
    for (const [k, v] of Object.entries(steps[urlStep.step - 1])) if (!given.has(k)) state[k] = v;
    // a step's value may fall outside a bound the URL set beside it
    stepMessages.push(...enforceWithin(table, state as StateOf<T>));
  }
  return {
    state: state as StateOf<T>,
    messages: [...parsed.messages, ...stepMessages, ...(urlStep.message ? [urlStep.message] : []), ...pageMessages(search)],
    step: urlStep.step,
  };
}

/**
 * Writes a figure's state into its embed page's URL (values that differ from
 * the defaults), keeping ?step=N while the figure shows that step's state and
 * the page parameters the reader gave (backend, theme, controls).
 */
export function writeStateToUrl<T extends StateTable>(table: T, state: StateOf<T>, steps: Partial<StateOf<T>>[], step: number | null): void {
  const params = serializeState(table, state);
  const stepState = step !== null ? steps[step - 1] : undefined;
  if (stepState && Object.entries(stepState).every(([k, v]) => (state as Record<string, unknown>)[k] === v)) {
    for (const k of Object.keys(stepState)) params.delete(k);
    params.set('step', String(step));
  }
  const keep = new URLSearchParams(location.search);
  for (const k of ['backend', 'theme', 'controls']) if (keep.has(k)) params.set(k, keep.get(k)!);
  const q = params.toString();
  history.replaceState(null, '', q ? `?${q}` : location.pathname);
}

/** The page parameters a permalink carries over from the page it was made on, when their values are valid. */
const KEPT: Record<string, readonly string[]> = { theme: ['light', 'dark'], controls: ['0', '1'] };

/**
 * The address of a figure's embed page showing this state (the values that
 * differ from the defaults), with the theme and controls the page was given.
 */
export function embedPermalink<T extends StateTable>(name: string, table: T, state: StateOf<T>, search = location.search): string {
  const params = serializeState(table, state);
  const given = new URLSearchParams(search);
  for (const [k, valid] of Object.entries(KEPT)) {
    const v = given.get(k);
    if (v !== null && valid.includes(v)) params.set(k, v);
  }
  const q = params.toString();
  return new URL(`${import.meta.env.BASE_URL}embed/${name}/${q ? `?${q}` : ''}`, location.href).href;
}
