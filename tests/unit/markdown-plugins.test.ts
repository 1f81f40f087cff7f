/** The build's markdown plugins (scripts/lib/markdown.mjs): a citation's hover details read as text. */
import { describe, expect, it } from 'vitest';
import { decodeCharacterReferences } from '../../scripts/lib/markdown.mjs';

describe('citation details', () => {
  it('decode the character references a formatted entry holds, and leave other text alone', () => {
    expect(decodeCharacterReferences('Goodfellow, I. J., Shlens, J., &#38; Szegedy, C. (2015).')).toBe('Goodfellow, I. J., Shlens, J., & Szegedy, C. (2015).');
    expect(decodeCharacterReferences('&#x26; &amp; &lt;b&gt; &quot;x&quot; &nbsp;')).toBe('& & <b> "x" \u00a0');
    expect(decodeCharacterReferences('Tramèr & Boneh; a &unknown; stays')).toBe('Tramèr & Boneh; a &unknown; stays');
  });
});
