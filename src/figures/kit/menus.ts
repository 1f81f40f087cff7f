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
