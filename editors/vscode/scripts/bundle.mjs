// Bundles src/extension.ts and its dependencies into dist/extension.js (vscode stays external).
import * as esbuild from 'esbuild';

const production = !process.argv.includes('--dev');
await esbuild.build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  external: ['vscode'],
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  legalComments: production ? 'none' : 'inline',
  logLevel: 'warning',
});
