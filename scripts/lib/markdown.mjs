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
  return () => (tree, file) =>
    basename(file.path ?? '').startsWith('references') ? onReferences(tree, file) : inChapters(tree, file);
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
