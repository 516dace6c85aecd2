import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, it } from 'vitest';
import { projectRoot } from '../../dev/local-settings.js';

/**
 * Real NHS organisations. The repository ships a small extract of NHS England's published ODS
 * files (Open Government Licence; test/fixtures/nhs-ods-extract/README.md says how it was cut), so
 * every feature is tested on a fresh clone. The full files, where a checkout has them beside it,
 * add one layer: figures over every organisation.
 */
export const odsExtract = join(projectRoot, 'test', 'fixtures', 'nhs-ods-extract');
export const fullNhsReferenceData = join(projectRoot, '..', 'shared', 'nhs-reference-data');
export const hasFullNhsReferenceData = existsSync(join(fullNhsReferenceData, 'nhs_trusts.csv'));

/** The title every full-ODS test carries: one of the two layers a run may skip (see scripts/check-skipped-tests.ts). */
export const fullOdsLayerTitle = 'full NHS ODS files';

/**
 * Tests that need the full ODS files. Where they are absent the layer is skipped, and the test
 * run says so once (test/support/global-setup.ts), never silently.
 */
export function describeFullOds(name: string, body: () => void): void {
  describe.skipIf(!hasFullNhsReferenceData)(`${fullOdsLayerTitle}: ${name}`, body);
}

export interface ReferenceOrganisation {
  code: string;
  name: string;
  postcode: string;
}

function rows(file: string, header: boolean): string[][] {
  const text = readFileSync(join(odsExtract, file), 'utf8');
  const parsed = parse(text, { relaxColumnCount: true }) as string[][];
  return header ? parsed.slice(1) : parsed;
}

/** One test of that layer inside a suite that otherwise runs on whichever files are there. */
export function itFullOds(name: string, body: () => void): void {
  it.skipIf(!hasFullNhsReferenceData)(`${fullOdsLayerTitle}: ${name}`, body);
}

/** The full files where a checkout has them, else the shipped extract (same names and layouts). */
export const nhsReferenceFiles = hasFullNhsReferenceData ? fullNhsReferenceData : odsExtract;

/** Trusts open today (no close date, opened already). */
export function openTrusts(today = new Date()): ReferenceOrganisation[] {
  const stamp = today.toISOString().slice(0, 10).replace(/-/g, '');
  return rows('nhs_trusts.csv', true)
    .filter((row) => !row[6] && (row[5] ?? '') <= stamp)
    .map((row) => ({ code: row[0] ?? '', name: row[1] ?? '', postcode: row[4] ?? '' }));
}

/** Active GP practices with exactly this ODS name. */
export function gpPracticesNamed(name: string): ReferenceOrganisation[] {
  return rows('epraccur_active_gp_practices.csv', false)
    .filter((row) => row[1] === name)
    .map((row) => ({ code: row[0] ?? '', name: row[1] ?? '', postcode: row[9] ?? '' }));
}

/** Picks the first open trust that matches; fails loudly if the data has none. */
export function trustWhere(predicate: (trust: ReferenceOrganisation) => boolean, trusts = openTrusts()): ReferenceOrganisation {
  const found = trusts.find(predicate);
  if (!found) throw new Error('no open trust in the reference data matches');
  return found;
}
