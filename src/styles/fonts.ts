/**
 * The text faces: Source Serif 4 (400, 400 italic, 600) and Inter (400, 600). Imported from a module, not with a
 * CSS @import in global.css, so that their @font-face rules pass through the build's transforms: scripts/lib/font-faces.ts
 * keeps only their WOFF2 sources and only the faces of the scripts the text uses. Every layout imports this before
 * global.css.
 */
import '@fontsource/source-serif-4/400.css';
import '@fontsource/source-serif-4/400-italic.css';
import '@fontsource/source-serif-4/600.css';
import '@fontsource/inter/400.css';
import '@fontsource/inter/600.css';
