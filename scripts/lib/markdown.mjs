/**
 * Build-time markdown plugins for the article's chapters.
 * - citations: rehype-citation on every chapter with the bibliography suppressed
 *   and hover details (the full entry) on each citation; the references page
 *   (content/references.mdx) gets the whole bibliography instead.
 * - chapterFootnotes: GFM footnote ids are per file ("fn-1"); the article puts
 *   every chapter on one page, so each chapter's ids get the chapter's name.
 */
import rehypeCitation from 'rehype-citation';
import { visit } from 'unist-util-visit';
import { basename } from 'node:path';

export function citations({ bibliography, path }) {
  const common = { bibliography, path, linkCitations: true, lang: 'en-US' };
  const inChapters = rehypeCitation({ ...common, suppressBibliography: true, showTooltips: true, tooltipAttribute: 'data-cite-details' });
  const onReferences = rehypeCitation({ ...common, noCite: ['@*'] });
  return () => async (tree, file) => {
    if (basename(file.path ?? '').startsWith('references')) return onReferences(tree, file);
    await inChapters(tree, file);
    // the formatted entry arrives with its own character references (citation-js writes "&" as "&#38;"), which the
    // attribute would otherwise escape again: store the text itself
    visit(tree, 'element', (node) => {
      const p = node.properties ?? {};
      if (typeof p.dataCiteDetails === 'string') p.dataCiteDetails = decodeCharacterReferences(p.dataCiteDetails);
    });
  };
}

const NAMED = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
/** Decodes numeric character references and the few named ones a formatted bibliography entry holds. */
export function decodeCharacterReferences(text) {
  return text.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(\w+));/gi, (whole, dec, hex, name) =>
    dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : (NAMED[name.toLowerCase()] ?? whole),
  );
}

export function chapterFootnotes() {
  return (tree, file) => {
    const prefix = basename(file.path ?? 'chapter').replace(/\.mdx?$/, '');
    const rename = (value) => value.replace(/^(#?)user-content-fn/, `$1${prefix}-fn`);
    visit(tree, 'element', (node) => {
      const p = node.properties ?? {};
      if (typeof p.id === 'string' && p.id.startsWith('user-content-fn')) p.id = rename(p.id);
      if (typeof p.href === 'string' && p.href.startsWith('#user-content-fn')) p.href = rename(p.href);
      if (Array.isArray(p.ariaDescribedBy)) p.ariaDescribedBy = p.ariaDescribedBy.map((v) => `${prefix}-${v}`);
      if (p.id === 'footnote-label') p.id = `${prefix}-footnote-label`;
    });
  };
}
