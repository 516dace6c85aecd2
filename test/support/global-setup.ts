import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../dev/local-settings.js';
import { ensureDevCertificates, trustBundle } from '../../emulator/tls.js';

/** Runs once before the workers fork: they inherit NODE_EXTRA_CA_CERTS and so trust the emulator. */
export default async function setup(): Promise<void> {
  const tls = await ensureDevCertificates();
  process.env.NODE_EXTRA_CA_CERTS = await trustBundle(tls);
  // The layers a run may skip, said once and plainly (test/support/nhs-reference.ts, shared-seeds.ts).
  const full = join(projectRoot, '..', 'shared', 'nhs-reference-data');
  if (!existsSync(join(full, 'nhs_trusts.csv'))) {
    console.log(`[weqs] skipping the "full NHS ODS files" layer: ${full} is not there. Every other test runs on the extract in test/fixtures/nhs-ods-extract.`);
  }
  const seeds = join(projectRoot, '..', 'shared', 'seeds');
  if (!existsSync(join(seeds, 'quality-standard-page.txt'))) {
    console.log(`[weqs] skipping the "standard page in ../shared/seeds" check: ${seeds} is not there. The review-date tests use test/fixtures/standard-page.`);
  }
}
