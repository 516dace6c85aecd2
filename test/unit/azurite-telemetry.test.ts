import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../dev/local-settings.js';

/**
 * Azurite sends usage telemetry unless told not to, and nothing here may send traffic beyond
 * loopback: every place that starts it, in code, scripts or instructions, says --disableTelemetry.
 */
const tracked = execFileSync('git', ['ls-files'], { cwd: projectRoot, encoding: 'utf8' })
  .split('\n')
  .filter((path) => /\.(ts|js|mjs|sh|json|md)$/.test(path) || path.startsWith('.ci/'))
  .filter((path) => path !== 'package-lock.json' && !path.startsWith('test/fixtures/') && path !== 'test/unit/azurite-telemetry.test.ts');

/** A command line or launcher for Azurite: `azurite --…`, `npx azurite`, or its entry point. */
const startsAzurite = /\bnpx\s+azurite\b|\bazurite(?:-blob|-queue|-table)?\s+--|azuriteEntryPoint\(\)/;

describe('Azurite is always started without telemetry, on loopback', () => {
  it('finds the launchers, so the check below can fail', () => {
    const launchers = tracked.filter((path) => startsAzurite.test(readFileSync(join(projectRoot, path), 'utf8')));
    expect(launchers).toEqual(expect.arrayContaining(['dev/storage-emulator.ts', 'package.json']));
  });

  it('says --disableTelemetry and 127.0.0.1 wherever Azurite is started', () => {
    const missing = tracked.filter((path) => {
      const text = readFileSync(join(projectRoot, path), 'utf8');
      return startsAzurite.test(text) && !(text.includes('--disableTelemetry') && text.includes('127.0.0.1'));
    });
    expect(missing).toEqual([]);
  });
});
