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
export async function bundleFunctions(outfile = 'dist/functions/index.js'): Promise<void> {
  await build({ ...shared, entryPoints: ['functions/index.ts'], outfile });
}

/** The local host with the function table, bundled like the deployment, for measuring it as Azure would run it. */
export async function bundleLocalHost(outfile: string): Promise<void> {
  await build({ ...shared, entryPoints: ['dev/functions-host/cli.ts'], outfile, logLevel: 'warning' });
}

if (import.meta.url === `file://${process.argv[1]}`) await bundleFunctions();
