import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { BuildOptions, Metafile } from 'esbuild';

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
export async function bundleFunctions(outdir: string): Promise<Metafile> {
  // Split so that the entry point holds the function manifest and @azure/functions only; each
  // handler, and what it uses (Graph client, docx, pdf-lib, storage SDKs), is a chunk imported on
  // its first invocation (functions/definitions.ts). No source maps: the package holds what runs.
  // The metafile (what went into which file) stays in memory, for the package test.
  const { metafile } = await build({ ...shared, sourcemap: false, minifyWhitespace: true, minifySyntax: true, entryPoints: { index: 'functions/index.ts' }, outdir, splitting: true, chunkNames: 'chunks/[name]-[hash]', metafile: true });
  return metafile;
}

/**
 * What azd deploys (azure.yaml `dist`): the bundle, host.json and a package.json whose `main` is
 * the bundle, with no dependencies to install (everything is bundled). Nothing else.
 */
export async function buildDeploymentPackage(outdir = 'dist/deploy'): Promise<Metafile> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const metafile = await bundleFunctions(join(outdir, 'functions'));
  await copyFile('host.json', join(outdir, 'host.json'));
  const project = JSON.parse(await readFile('package.json', 'utf8')) as { name: string; version: string; description: string; engines: Record<string, string> };
  const deployed = { name: project.name, version: project.version, description: project.description, private: true, type: 'module', main: 'functions/index.js', engines: project.engines };
  await writeFile(join(outdir, 'package.json'), `${JSON.stringify(deployed, null, 2)}\n`);
  return metafile;
}

/** The local host with the function table, bundled like the deployment, for measuring it as Azure would run it. */
export async function bundleLocalHost(outdir: string): Promise<string> {
  await build({ ...shared, entryPoints: { 'functions-host': 'dev/functions-host/cli.ts' }, outdir, splitting: true, chunkNames: 'chunks/[name]-[hash]', outExtension: { '.js': '.mjs' }, logLevel: 'warning' });
  return `${outdir}/functions-host.mjs`;
}

if (import.meta.url === `file://${process.argv[1]}`) await buildDeploymentPackage();
