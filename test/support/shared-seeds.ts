import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { projectRoot } from '../../dev/local-settings.js';

/**
 * The standard's source pages, where a checkout has ../shared/seeds beside it. Tests read the
 * shipped excerpt in test/fixtures/standard-page; this layer only checks the excerpt against the
 * page, and a run without ../shared skips it by name (scripts/check-skipped-tests.ts).
 */
export const seedsLayerTitle = 'standard page in ../shared/seeds';
export const standardPagePath = join(projectRoot, '..', 'shared', 'seeds', 'quality-standard-page.txt');
export const hasStandardPage = existsSync(standardPagePath);

export function itStandardPage(name: string, body: (page: string) => void): void {
  it.skipIf(!hasStandardPage)(`${seedsLayerTitle}: ${name}`, () => body(readFileSync(standardPagePath, 'utf8')));
}
