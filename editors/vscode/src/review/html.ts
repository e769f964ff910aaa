/**
 * The webview documents' shell: a strict content security policy (nothing but this extension's
 * own script, run by nonce, and its and VS Code's markdown style sheets; images from the vault
 * through `asWebviewUri`, data: and https:), the style sheets and the script. Pure.
 */
import { randomBytes } from 'node:crypto';
import { escapeHtml } from './view';

/** A fresh nonce for one document (base64 of 18 random bytes: 24 characters, no padding). */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * The policy: no default source; scripts only with the nonce; styles from the extension (and
 * VS Code's markdown extension) and the nonced inline sheet; images and fonts from the webview
 * resource origin; no frames, forms, plugins, base URIs or connections.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `img-src ${cspSource} https: data:`,
    `media-src ${cspSource}`,
    `font-src ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `connect-src 'none'`,
    `frame-src 'none'`,
    `object-src 'none'`,
    `form-action 'none'`,
    `base-uri 'none'`,
  ].join('; ');
}

export interface ShellOptions {
  title: string;
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** The script (a webview URI). */
  script: string;
  /** Style sheets (webview URIs), in order. */
  styles: readonly string[];
  /** Inline CSS (given the nonce). */
  css: string;
  /** Initial body: the script replaces it with the view. */
  body?: string;
}

export function shellHtml(o: ShellOptions): string {
  const links = o.styles.map((s) => `<link rel="stylesheet" href="${escapeHtml(s)}">`).join('\n  ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(o.title)}</title>
  ${links}
  <style nonce="${escapeHtml(o.nonce)}">${o.css}</style>
</head>
<body>
  <div id="root" tabindex="-1">${o.body ?? ''}</div>
  <script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.script)}"></script>
</body>
</html>
`;
}

/**
 * The review panel's own CSS: VS Code's theme variables only, so it follows light, dark and
 * high-contrast themes (high contrast adds borders through `--vscode-contrastBorder`).
 */
export const REVIEW_CSS = `
:root { color-scheme: light dark; }
body { padding: 0 1.5em; color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
#root { max-width: 56em; margin: 0 auto; outline: none; }
header.top { display: flex; flex-wrap: wrap; gap: .5em 1em; align-items: center; justify-content: space-between;
  padding: .75em 0; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, transparent)); }
header .where { display: flex; gap: 1em; align-items: baseline; flex-wrap: wrap; }
header .deck { font-weight: 600; }
header .counts { color: var(--vscode-descriptionForeground); font-variant-numeric: tabular-nums; }
header .tools { display: flex; gap: .4em; flex-wrap: wrap; }
button { font: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background);
  border: 1px solid var(--vscode-button-border, var(--vscode-contrastBorder, transparent)); border-radius: 2px;
  padding: .35em .9em; cursor: pointer; }
button:hover:not([disabled]) { background: var(--vscode-button-hoverBackground); }
button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
button[disabled] { opacity: .5; cursor: default; }
button.tool { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
button.tool:hover:not([disabled]) { background: var(--vscode-button-secondaryHoverBackground); }
.context { margin-top: 1em; color: var(--vscode-descriptionForeground); font-size: .9em; }
article.card { margin: 1.25em 0; padding: 1em 1.25em; min-height: 4em; overflow-wrap: anywhere;
  border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent)); border-radius: 4px;
  background: var(--vscode-textBlockQuote-background, transparent); }
article.card img { max-width: 100%; }
article.card pre { overflow-x: auto; }
footer.actions { display: flex; flex-wrap: wrap; gap: .6em; justify-content: center; margin: 1em 0 2em; }
footer.actions button { min-width: 7em; display: inline-flex; gap: .5em; align-items: baseline; justify-content: center; }
button.reveal { min-width: 14em; }
.grade .interval { opacity: .85; font-variant-numeric: tabular-nums; }
.grade kbd { font-family: var(--vscode-editor-font-family); font-size: .8em; opacity: .7; }
.grade-again { background: var(--vscode-inputValidation-errorBorder, var(--vscode-button-background)); }
.grade-easy { background: var(--vscode-charts-green, var(--vscode-button-background)); }
body.vscode-high-contrast .grade-again, body.vscode-high-contrast .grade-easy,
body.vscode-high-contrast-light .grade-again, body.vscode-high-contrast-light .grade-easy { background: var(--vscode-button-background); }
.notice { margin: 1em 0 0; padding: .5em .75em; border-radius: 2px; border: 1px solid transparent; }
.notice-error { background: var(--vscode-inputValidation-errorBackground); border-color: var(--vscode-inputValidation-errorBorder); }
.notice-info { background: var(--vscode-inputValidation-infoBackground); border-color: var(--vscode-inputValidation-infoBorder); }
p.empty { text-align: center; margin: 3em 0 1em; color: var(--vscode-descriptionForeground); }
`;
