/**
 * The article page's own behaviour, with no TensorFlow.js: the theme toggle,
 * the table of contents that shows where the reader is, the reading progress
 * bar, and the hover/focus details of citations.
 */

function setupThemeToggle() {
  const button = document.querySelector<HTMLButtonElement>('.theme-toggle');
  if (!button) return;
  const root = document.documentElement;
  const current = () =>
    (root.dataset.theme as 'light' | 'dark' | undefined) ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  const label = () => (button.textContent = current() === 'dark' ? 'Light theme' : 'Dark theme');
  label();
  button.addEventListener('click', () => {
    const next = current() === 'dark' ? 'light' : 'dark';
    root.dataset.theme = next;
    try {
      localStorage.setItem('theme', next);
    } catch {
      /* storage may be off; the toggle still works for this visit */
    }
    label();
  });
}

function setupToc() {
  const links = new Map<string, HTMLAnchorElement>();
  document.querySelectorAll<HTMLAnchorElement>('[data-toc]').forEach((a) => links.set(a.dataset.toc!, a));
  const sections = [...links.keys()].map((id) => document.getElementById(id)).filter((s): s is HTMLElement => !!s);
  let active: string | null = null;
  const update = () => {
    const line = window.innerHeight * 0.3;
    let id: string | null = null;
    for (const s of sections) if (s.getBoundingClientRect().top <= line) id = s.id;
    if (id === active) return;
    if (active) links.get(active)?.removeAttribute('aria-current');
    if (id) links.get(id)?.setAttribute('aria-current', 'true');
    active = id;
  };
  const progress = document.querySelector<HTMLElement>('.progress-bar');
  const onScroll = () => {
    update();
    if (progress) {
      const max = document.documentElement.scrollHeight - window.innerHeight;
      progress.style.setProperty('--progress', String(max > 0 ? Math.min(1, window.scrollY / max) : 0));
    }
  };
  let queued = false;
  window.addEventListener(
    'scroll',
    () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        onScroll();
      });
    },
    { passive: true },
  );
  onScroll();
}

function setupCitations() {
  // rehype-citation puts each cited work's full entry on the citation's span as data-cite-details.
  const tip = document.createElement('div');
  tip.className = 'cite-tip';
  tip.setAttribute('role', 'tooltip');
  tip.id = 'cite-tip';
  tip.hidden = true;
  document.body.append(tip);
  const show = (a: HTMLElement) => {
    const details = a.dataset.citeDetails ?? a.closest<HTMLElement>('[data-cite-details]')?.dataset.citeDetails;
    if (!details) return;
    tip.textContent = details;
    tip.hidden = false;
    const r = a.getBoundingClientRect();
    const top = r.bottom + window.scrollY + 6;
    const left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8));
    tip.style.top = `${top}px`;
    tip.style.left = `${left}px`;
    a.setAttribute('aria-describedby', 'cite-tip');
  };
  const hide = () => (tip.hidden = true);
  document.querySelectorAll<HTMLAnchorElement>('a[href^="#bib-"]').forEach((a) => {
    a.addEventListener('mouseenter', () => show(a));
    a.addEventListener('focus', () => show(a));
    a.addEventListener('mouseleave', hide);
    a.addEventListener('blur', hide);
  });
}

setupThemeToggle();
setupToc();
setupCitations();
