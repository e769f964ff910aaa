// Bundles the extension and vscode-languageclient into dist/extension.js, so the .vsix needs no
// node_modules (it is packaged with `vsce package --no-dependencies`), and the webview scripts
// into dist/review.js and dist/stats.js (browser code, loaded by the panels with a nonce).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info' };
const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], format: 'cjs', platform: 'node', target: 'node18' },
  { ...common, entryPoints: ['src/webview/review.ts'], outfile: 'dist/review.js', format: 'iife', platform: 'browser', target: 'es2020' },
  { ...common, entryPoints: ['src/webview/stats.ts'], outfile: 'dist/stats.js', format: 'iife', platform: 'browser', target: 'es2020' },
];

if (process.argv.includes('--watch')) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
