import { build } from 'esbuild';

/**
 * The deployable bundle: one ESM file with every dependency, loaded by the Functions worker
 * through package.json `main`. `@azure/functions-core` is provided by the worker at run time.
 */
await build({
  entryPoints: ['functions/index.ts'],
  outfile: 'dist/functions/index.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: ['@azure/functions-core'],
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __weqsCreateRequire } from 'node:module'; const require = __weqsCreateRequire(import.meta.url);" },
  logLevel: 'info',
});
