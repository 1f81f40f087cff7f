/**
 * The figures' Export and Embed menus open one at a time: opening one closes
 * any other on the page, so their panels never overlap.
 */
const OPEN = 'figure-menu-open';

/** Says that the menu `me` opened; the others close. */
export function announceOpen(me: object): void {
  window.dispatchEvent(new CustomEvent(OPEN, { detail: me }));
}

/** Calls `close` whenever another menu than `me` opens; returns the unsubscribe. */
export function closeWhenOtherOpens(me: object, close: () => void): () => void {
  const listener = (e: Event) => {
    if ((e as CustomEvent).detail !== me) close();
  };
  window.addEventListener(OPEN, listener);
  return () => window.removeEventListener(OPEN, listener);
}

/**
 * A menu's panel hangs from its button's right edge, leftwards (the buttons stand at the right of a figure's caption
 * row); where the buttons have wrapped to the row's left (a long caption took the line), that would put the panel past
 * the window's left edge, out of reach: there it hangs from the button's left edge, rightwards, moved left as far as it
 * must to end inside the window on a narrow one. A Svelte action.
 */
export function keepOnScreen(panel: HTMLElement): void {
  const hung = panel.getBoundingClientRect();
  if (hung.left >= 0) return;
  panel.style.right = 'auto';
  panel.style.left = '0';
  const r = panel.getBoundingClientRect();
  const room = document.documentElement.clientWidth;
  // where its left edge may be: inside the window, and its right edge too where it is not wider than the window
  const x = Math.max(0, Math.min(r.left, room - r.width));
  if (x !== r.left) panel.style.left = `${x - r.left}px`;
}
