/**
 * The slide deck's behaviour: builds the slides from ?figures=, keys and
 * clickers move, F goes full screen. Only the current slide and its two
 * neighbours hold a loaded figure: a slide further away loses its iframe, and
 * with it the page and the compute worker (TensorFlow.js, its models and data)
 * that the figure started, so that the deck's memory does not grow with the
 * number of slides visited.
 */
const main = document.querySelector<HTMLElement>('.deck-main')!;
const all = JSON.parse(main.dataset.figures!) as { name: string; title: string }[];
const base = main.dataset.base!;
const message = main.querySelector<HTMLElement>('.deck-message')!;
const params = new URLSearchParams(location.search);
const asked = params.get('figures');
let chosen = all;
if (asked !== null) {
  const names = asked.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !all.some((f) => f.name === n));
  chosen = names.map((n) => all.find((f) => f.name === n)).filter((f): f is (typeof all)[number] => !!f);
  if (unknown.length || chosen.length === 0) {
    message.hidden = false;
    message.textContent =
      (unknown.length ? `No figure named ${unknown.map((u) => JSON.stringify(u.slice(0, 40))).join(', ')}. ` : '') +
      (chosen.length === 0 ? 'Showing every figure.' : `Figures: ${all.map((f) => f.name).join(', ')}.`);
    if (chosen.length === 0) chosen = all;
  }
}
// the page parameters a slide's embed page understands pass on to it (theme=, and backend= and debug= for tests)
const passed = new URLSearchParams();
for (const k of ['theme', 'backend', 'debug']) {
  const v = params.get(k);
  if (v !== null) passed.set(k, v);
}
const query = passed.toString() ? `?${passed}` : '';
const slidesEl = main.querySelector<HTMLElement>('.slides')!;

/** How many slides on each side of the current one stay loaded. */
const KEEP = 1;

interface Slide {
  section: HTMLElement;
  title: string;
  src: string;
}
const slides: Slide[] = chosen.map((f) => {
  const section = document.createElement('section');
  section.className = 'slide';
  section.hidden = true;
  section.dataset.slide = f.name;
  section.setAttribute('aria-label', f.title);
  slidesEl.append(section);
  return { section, title: f.title, src: `${base}embed/${f.name}/${query}` };
});

function load(s: Slide) {
  if (s.section.querySelector('iframe')) return;
  const frame = document.createElement('iframe');
  frame.title = s.title;
  // the embed page fits its figure to the frame when it finds itself in the deck
  frame.dataset.deck = '';
  frame.src = s.src;
  s.section.append(frame);
}

function unload(s: Slide) {
  // removing the iframe ends its document, and the document's workers with it
  s.section.querySelector('iframe')?.remove();
}

const counter = main.querySelector<HTMLElement>('.counter')!;
const titleEl = main.querySelector<HTMLElement>('.deck-title')!;
let current = 0;
function show(i: number) {
  const leaving = document.activeElement;
  current = Math.max(0, Math.min(slides.length - 1, i));
  slides.forEach((s, k) => {
    s.section.hidden = k !== current;
    if (Math.abs(k - current) <= KEEP) load(s);
    else unload(s);
  });
  // keys go to the deck, not to a figure that is no longer shown
  if (leaving instanceof HTMLIFrameElement && leaving.closest('.slide[hidden]')) leaving.blur();
  counter.textContent = `${current + 1} / ${slides.length}`;
  titleEl.textContent = slides[current].title;
  history.replaceState(null, '', `#${current + 1}`);
}

function onKey(e: KeyboardEvent) {
  // a key typed into a figure's own control (a number field, a select) stays there
  const t = e.target as HTMLElement | null;
  if (t && t.closest?.('input, select, textarea, [contenteditable="true"]')) return;
  if (['ArrowRight', 'PageDown', ' '].includes(e.key) && !(e.key === ' ' && t?.closest?.('button, a'))) show(current + 1);
  else if (['ArrowLeft', 'PageUp'].includes(e.key)) show(current - 1);
  else if (e.key === 'Home') show(0);
  else if (e.key === 'End') show(slides.length - 1);
  else if ((e.key === 'f' || e.key === 'F') && !e.ctrlKey && !e.metaKey && !e.altKey) toggleFullscreen();
  else return;
  e.preventDefault();
}
document.addEventListener('keydown', onKey);
main.querySelectorAll<HTMLButtonElement>('[data-go]').forEach((b) => b.addEventListener('click', () => show(current + Number(b.dataset.go))));
main.querySelector('[data-fullscreen]')!.addEventListener('click', toggleFullscreen);
function toggleFullscreen() {
  if (document.fullscreenElement) void document.exitFullscreen();
  else void document.documentElement.requestFullscreen?.().catch(() => {});
}
// a slide's own page passes on the keys it does not use (see deckFit.ts)
window.addEventListener('message', (e) => {
  if (e.origin !== location.origin || typeof e.data !== 'object' || e.data === null || e.data.type !== 'deck-key') return;
  if (!slides.some((s) => s.section.querySelector('iframe')?.contentWindow === e.source)) return;
  const key = String(e.data.key);
  onKey(new KeyboardEvent('keydown', { key }));
});
show(Math.max(0, Number(location.hash.slice(1)) - 1 || 0));
