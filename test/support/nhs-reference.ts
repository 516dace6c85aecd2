import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { projectRoot } from '../../dev/local-settings.js';

/**
 * Real NHS organisations, read from ../shared/nhs-reference-data at test time. They are never
 * copied into the project: tests pick what they need from the files when they run.
 */
export const nhsReferenceData = join(projectRoot, '..', 'shared', 'nhs-reference-data');

export const hasNhsReferenceData = existsSync(join(nhsReferenceData, 'nhs_trusts.csv'));

export interface ReferenceOrganisation {
  code: string;
  name: string;
  postcode: string;
}

function rows(file: string, header: boolean): string[][] {
  const text = readFileSync(join(nhsReferenceData, file), 'utf8');
  const parsed = parse(text, { relaxColumnCount: true }) as string[][];
  return header ? parsed.slice(1) : parsed;
}

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
