import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../dev/local-settings.js';
import { loadConfig, settingsSchema } from '../../src/config.js';

// local.settings.example.json is where a newcomer learns what can be set: every setting the schema
// reads is there, and nothing the schema does not know (the Functions host's own keys aside).
const example = JSON.parse(readFileSync(join(projectRoot, 'local.settings.example.json'), 'utf8')) as { Values: Record<string, string> };
const hostOwnSettings = new Set(['FUNCTIONS_WORKER_RUNTIME']);
const schemaSettings = Object.keys(settingsSchema.shape);

describe('local.settings.example.json', () => {
  it('lists every setting in src/config.ts', () => {
    expect(schemaSettings).toContain('WEQS_INBOX_ADDRESS');
    expect(schemaSettings.filter((name) => !(name in example.Values))).toEqual([]);
  });

  it('lists no setting that src/config.ts does not read', () => {
    expect(Object.keys(example.Values).filter((name) => !hostOwnSettings.has(name) && !schemaSettings.includes(name))).toEqual([]);
  });

  it('is a working configuration as it stands (for the embedded tenant on this machine)', () => {
    const values = { ...example.Values };
    const certificate = values.WEQS_CLIENT_CERTIFICATE_PATH;
    if (certificate && !isAbsolute(certificate)) values.WEQS_CLIENT_CERTIFICATE_PATH = join(projectRoot, certificate);
    expect(() => loadConfig(values)).not.toThrow();
  });
});
