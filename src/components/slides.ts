/** The slide deck's behaviour: builds the slides from ?figures=, keys and clickers move, F goes full screen. */
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
const theme = params.get('theme');
const slidesEl = main.querySelector<HTMLElement>('.slides')!;
const slides = chosen.map((f) => {
  const s = document.createElement('section');
  s.className = 'slide';
  s.hidden = true;
  s.setAttribute('aria-label', f.title);
  const frame = document.createElement('iframe');
  frame.title = f.title;
  frame.dataset.src = `${base}embed/${f.name}/${theme === 'light' || theme === 'dark' ? `?theme=${theme}` : ''}`;
  const h = document.createElement('h2');
  h.textContent = f.title;
  s.append(frame, h);
  slidesEl.append(s);
  return s;
});
const counter = main.querySelector<HTMLElement>('.counter')!;
let current = 0;
function show(i: number) {
  current = Math.max(0, Math.min(slides.length - 1, i));
  slides.forEach((s, k) => {
    s.hidden = k !== current;
    // the current slide and its neighbours load; the rest wait
    const frame = s.querySelector('iframe')!;
    if (Math.abs(k - current) <= 1 && !frame.src) frame.src = frame.dataset.src!;
  });
  counter.textContent = `${current + 1} / ${slides.length}`;
  history.replaceState(null, '', `#${current + 1}`);
}
document.addEventListener('keydown', (e) => {
  if (['ArrowRight', 'PageDown', ' '].includes(e.key)) show(current + 1);
  else if (['ArrowLeft', 'PageUp'].includes(e.key)) show(current - 1);
  else if (e.key === 'Home') show(0);
  else if (e.key === 'End') show(slides.length - 1);
  else if (e.key === 'f' || e.key === 'F') toggleFullscreen();
  else return;
  e.preventDefault();
});
main.querySelectorAll<HTMLButtonElement>('[data-go]').forEach((b) => b.addEventListener('click', () => show(current + Number(b.dataset.go))));
main.querySelector('[data-fullscreen]')!.addEventListener('click', toggleFullscreen);
function toggleFullscreen() {
  if (document.fullscreenElement) void document.exitFullscreen();
  else void document.documentElement.requestFullscreen?.().catch(() => {});
}
show(Math.max(0, Number(location.hash.slice(1)) - 1 || 0));
