import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';

const shared: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: ['@azure/functions-core'],
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __weqsCreateRequire } from 'node:module'; const require = __weqsCreateRequire(import.meta.url);" },
  logLevel: 'info',
};

/**
 * The deployable bundle: one ESM file with every dependency, loaded by the Functions worker
 * through package.json `main`. `@azure/functions-core` is provided by the worker at run time.
 */
export async function bundleFunctions(outdir = 'dist/functions'): Promise<void> {
  // Split so that code used by one rare path (pdf-lib for certificates) loads only when needed.
  await build({ ...shared, entryPoints: { index: 'functions/index.ts' }, outdir, splitting: true, chunkNames: 'chunks/[name]-[hash]' });
}

/** The local host with the function table, bundled like the deployment, for measuring it as Azure would run it. */
export async function bundleLocalHost(outdir: string): Promise<string> {
  await build({ ...shared, entryPoints: { 'functions-host': 'dev/functions-host/cli.ts' }, outdir, splitting: true, chunkNames: 'chunks/[name]-[hash]', outExtension: { '.js': '.mjs' }, logLevel: 'warning' });
  return `${outdir}/functions-host.mjs`;
}

if (import.meta.url === `file://${process.argv[1]}`) await bundleFunctions();
