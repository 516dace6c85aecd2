import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeploymentPackage } from '../../scripts/bundle.js';

/** What each handler brings with it; none of it may load when the function app starts. */
const heavyPackages = ['@microsoft/microsoft-graph-client', '@azure/identity', '@azure/msal-node', '@azure/storage-queue', '@azure/storage-blob', '@azure/data-tables', 'docx', 'pdf-lib', 'fast-xml-parser', 'date-holidays', 'pino', 'zod'];

/** The package's files that a module load of `entry` evaluates: its static imports, transitively (not `import()`). */
function loadedAtStart(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>([entry]);
  const pending = [entry];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const imported of metafile.outputs[next]?.imports ?? []) {
      if (imported.kind !== 'import-statement' || imported.external || seen.has(imported.path)) continue;
      seen.add(imported.path);
      pending.push(imported.path);
    }
  }
  return [...seen];
}

const inputsOf = (metafile: Metafile, outputs: string[]): string[] => outputs.flatMap((output) => Object.keys(metafile.outputs[output]?.inputs ?? {}));
const packageOf = (input: string): string | undefined => heavyPackages.find((name) => input.includes(`node_modules/${name}/`));

describe('deployment package (what azd deploys)', () => {
  let dir = '';
  let out = '';
  let metafile: Metafile;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weqs-deploy-'));
    out = join(dir, 'deploy');
    metafile = await buildDeploymentPackage(out);
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds the bundle, host.json and a package.json pointing at it, nothing else', async () => {
    const files = (await readdir(out, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(out.length + 1));
    expect(files.filter((file) => !/^functions\/(index|chunks\/[\w-]+)\.js$/.test(file)).sort()).toEqual(['host.json', 'package.json']);
    const manifest = JSON.parse(await readFile(join(out, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ main: 'functions/index.js', type: 'module' });
    expect(manifest).not.toHaveProperty('dependencies');
    expect(files).toContain('functions/index.js');
    expect(JSON.parse(await readFile(join(out, 'host.json'), 'utf8'))).toEqual(JSON.parse(await readFile('host.json', 'utf8')));
  });

  it('starts with the function manifest and @azure/functions alone; each handler and the SDKs behind it load on first invocation', () => {
    const entry = Object.keys(metafile.outputs).find((output) => resolve(output) === resolve(out, 'functions', 'index.js'));
    expect(entry).toBeDefined();
    const atStart = inputsOf(metafile, loadedAtStart(metafile, entry ?? ''));
    expect(atStart.filter((input) => packageOf(input) !== undefined)).toEqual([]);
    // weqs's own modules at start-up: the entry, the manifest and what it needs to name and route the functions.
    expect(atStart.filter((input) => !input.includes('node_modules/')).sort()).toEqual(['functions/definitions.ts', 'functions/index.ts', 'functions/lazy-handler.ts', 'src/invocation-log.ts', 'src/storage/queue-names.ts']);
    // The heavy code is still in the package, behind the handlers' dynamic imports.
    const everything = inputsOf(metafile, Object.keys(metafile.outputs));
    expect(new Set(everything.map(packageOf).filter((name) => name !== undefined))).toEqual(new Set(heavyPackages));
  });
});
