/**
 * Images in rendered cards. Obsidian's embeds (`![[diagram.png]]`, `![[photo.jpg|300]]`) become
 * markdown images before rendering; after rendering, every `<img src>` that is a relative path
 * is handed to a resolver (the note's folder, the vault, then the vault by file name, as
 * Obsidian finds attachments) and replaced by the webview URI it gives. Pure: the resolver
 * comes in as an argument.
 */

const IMAGE_EXT = /\.(png|jpe?g|gif|svg|webp|bmp|avif|ico)$/i;

/** Turns Obsidian image embeds into markdown images (`![[a b.png|300]]` → `![a b.png](<a b.png>)`). */
export function rewriteEmbeds(markdown: string): string {
  return markdown.replace(/!\[\[([^\]|#^\n]+)(?:[#^][^\]|\n]*)?(?:\|([^\]\n]*))?\]\]/g, (whole, target: string, alias?: string) => {
    const t = target.trim();
    if (!IMAGE_EXT.test(t)) return whole;
    const alt = alias !== undefined && alias.trim() !== '' && !/^\d+(x\d+)?$/.test(alias.trim()) ? alias.trim() : t;
    return `![${alt.replace(/[[\]]/g, '')}](<${t}>)`;
  });
}

/** True for a `src` that points into the vault: not a URL with a scheme, not data:, not protocol-relative. */
export function isLocalSource(src: string): boolean {
  return src !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(src) && !src.startsWith('//') && !src.startsWith('#');
}

const IMG_SRC = /(<img\b[^>]*?\ssrc\s*=\s*)("([^"]*)"|'([^']*)')/gi;

function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function safeDecodeUri(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}

/** The local image paths in rendered HTML, decoded (`a%20b.png` → `a b.png`), each once. */
export function localImageSources(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(IMG_SRC)) {
    const raw = decodeEntities(m[3] ?? m[4] ?? '');
    if (isLocalSource(raw)) out.add(safeDecodeUri(raw));
  }
  return [...out];
}

/** Replaces local image sources by what `resolved` maps them to; others stay as they are. */
export function replaceImageSources(html: string, resolved: ReadonlyMap<string, string>): string {
  return html.replace(IMG_SRC, (whole, before: string, _quoted: string, dq?: string, sq?: string) => {
    const raw = decodeEntities(dq ?? sq ?? '');
    if (!isLocalSource(raw)) return whole;
    const to = resolved.get(safeDecodeUri(raw));
    return to === undefined ? whole : `${before}"${to.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`;
  });
}

/** Where to look for a relative image, in order: the note's folder, then the vault's root. */
export function imageCandidates(src: string, noteDir: string, vaultRoot: string | undefined, join: (...p: string[]) => string): string[] {
  const clean = src.replace(/[?#].*$/, '');
  const out = [join(noteDir, clean)];
  if (vaultRoot !== undefined) out.push(join(vaultRoot, clean.replace(/^\/+/, '')));
  return [...new Set(out)];
}
