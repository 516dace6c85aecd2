import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDeploymentPackage } from '../../scripts/bundle.js';

describe('deployment package (what azd deploys)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('holds the bundle, host.json and a package.json pointing at it, nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weqs-deploy-'));
    dirs.push(dir);
    const out = join(dir, 'deploy');
    await buildDeploymentPackage(out);
    const files = (await readdir(out, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(out.length + 1));
    expect(files.filter((file) => !/^functions\/(index|chunks\/[\w-]+)\.js$/.test(file)).sort()).toEqual(['host.json', 'package.json']);
    const manifest = JSON.parse(await readFile(join(out, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ main: 'functions/index.js', type: 'module' });
    expect(manifest).not.toHaveProperty('dependencies');
    expect(files).toContain('functions/index.js');
    expect(JSON.parse(await readFile(join(out, 'host.json'), 'utf8'))).toEqual(JSON.parse(await readFile('host.json', 'utf8')));
  }, 120_000);
});
