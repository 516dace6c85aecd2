/**
 * Cuts the small extract of NHS England's published ODS files that the repository ships
 * (test/fixtures/nhs-ods-extract), from the full files in ../shared/nhs-reference-data.
 * Deterministic: the same input files give the same extract, so a re-cut shows as a clean diff.
 *
 *   npx tsx scripts/cut-ods-extract.ts [source-folder]
 *
 * Kept whole (all small): trusts (etr and its derived table), successions, the A&E name history,
 * both ICB lists, RTT providers, and the trust names as typed into epraccur. Cut: GP and dental
 * practices, keeping every practice that shares its name with another (the ambiguous cases the
 * tests exercise), at most 15 of each, plus every hundredth practice for spread.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { projectRoot } from '../dev/local-settings.js';

const source = resolve(process.argv[2] ?? join(projectRoot, '..', 'shared', 'nhs-reference-data'));
const target = join(projectRoot, 'test', 'fixtures', 'nhs-ods-extract');

const keptWhole = [
  'etr.csv',
  'nhs_trusts.csv',
  'succ_trust_rows.csv',
  'trust_successions_named.csv',
  'trust_name_history_ae_2014_2019.csv',
  'icbs_2022_42_icb_lookup.csv',
  'icbs_2026_36_from_rtt_april2026.csv',
  'rtt_providers_april2026.csv',
  'epraccur_trust_name_strings.csv',
];
for (const file of keptWhole) copyFileSync(join(source, file), join(target, file));

/** Names shared by several practices: the tests need each of their practices to stay ambiguous. */
const sharedNames: Record<string, readonly string[]> = {
  'epraccur_active_gp_practices.csv': ['THE SURGERY', 'HIGH STREET SURGERY', 'THE HEALTH CENTRE', 'THE MEDICAL CENTRE'],
  'egdpprac_open_dental_practices.csv': ['DENTAL SURGERY', 'SMILE DENTAL CARE'],
};
const counts: Record<string, number> = {};
for (const [file, names] of Object.entries(sharedNames)) {
  // Verbatim lines: the extract keeps the published bytes of every line it keeps.
  const lines = readFileSync(join(source, file), 'utf8').split(/\r?\n/).filter((line) => line !== '');
  const perName = new Map<string, number>();
  const kept = lines.filter((line, index) => {
    const [row] = parse(line, { relaxColumnCount: true }) as string[][];
    const name = row?.[1] ?? '';
    const seen = perName.get(name) ?? 0;
    if (names.includes(name) && seen < 15) {
      perName.set(name, seen + 1);
      return true;
    }
    return index % 100 === 0;
  });
  writeFileSync(join(target, file), `${kept.join('\n')}\n`);
  counts[file] = kept.length;
}
console.log(`extract written to ${target}:`, counts);
