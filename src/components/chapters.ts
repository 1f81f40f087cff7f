/**
 * The order of the article's chapters (content/*.mdx): the paper's sections and
 * its appendix by file name (01-… to 10-…, then appendix-…), then the chapters
 * that look beyond the paper, in the order listed here. The article page and the
 * figure registry's test both sort with it.
 */
export const CLOSING_CHAPTERS = ['after-2015.mdx', 'bugs-or-features.mdx'] as const;

const fileName = (path: string) => path.split('/').pop() ?? path;

/** 0 for the paper's sections and appendix, 1, 2, … for the closing chapters in their order. */
const rank = (path: string) => (CLOSING_CHAPTERS as readonly string[]).indexOf(fileName(path)) + 1;

export function compareChapters(a: string, b: string): number {
  return rank(a) - rank(b) || fileName(a).localeCompare(fileName(b));
}
