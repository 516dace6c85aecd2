/**
 * The organisation directory against real NHS ODS data and names as they occur in NHS England
 * statistics and in ODS itself: the full files where a checkout has them beside it, else the
 * extract the repository ships (every trust, ICB and succession; a sample of practices).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { OrganisationDirectory } from '../../../src/domain/organisation-directory.js';
import type { OrganisationRecord } from '../../../src/domain/organisation-record.js';
import type { Resolution } from '../../../src/domain/organisation-directory.js';
import { canonicalOrganisationName } from '../../../src/domain/organisation-name.js';
import { buildDirectoryFromOds } from '../../../src/organisations/ods-import.js';
import type { OdsFiles } from '../../../src/organisations/ods-import.js';
import { itFullOds, nhsReferenceFiles } from '../../support/nhs-reference.js';

const DATA = nhsReferenceFiles;
const AS_OF = new Date('2026-05-01T00:00:00Z');
const AS_OF_DAY = '2026-05-01';

const read = (file: string): string => readFileSync(resolve(DATA, file), 'utf8');
const table = (file: string): Record<string, string>[] => parse(read(file), { columns: true, skip_empty_lines: true });

interface Tally {
  tried: number;
  correct: number;
  wrong: number;
  ambiguous: number;
  unresolved: number;
}
const tally = (): Tally => ({ tried: 0, correct: 0, wrong: 0, ambiguous: 0, unresolved: 0 });
function score(into: Tally, resolution: Resolution, expected: readonly string[]): 'correct' | 'wrong' | 'ambiguous' | 'unresolved' {
  into.tried += 1;
  const outcome =
    resolution.kind === 'resolved' ? (expected.includes(resolution.organisation.odsCode) ? 'correct' : 'wrong') : resolution.kind;
  into[outcome] += 1;
  return outcome;
}
const precision = (t: Tally): number => (t.correct + t.wrong === 0 ? 1 : t.correct / (t.correct + t.wrong));
const recall = (t: Tally): number => (t.tried === 0 ? 1 : t.correct / t.tried);
const report: Record<string, Tally & { precision: string; recall: string }> = {};
const record = (label: string, t: Tally): void => {
  report[label] = { ...t, precision: precision(t).toFixed(3), recall: recall(t).toFixed(3) };
};

const titleCase = (name: string): string =>
  name
    .toLowerCase()
    .replace(/\b([a-z])/g, (letter) => letter.toUpperCase())
    .replace(/'S\b/g, "'s")
    .replace(/\bNhs\b/g, 'NHS');

describe('organisation directory on real NHS ODS data', () => {
  let files: OdsFiles;
  let plain: OrganisationDirectory;
  let directory: OrganisationDirectory;
  let history: Record<string, string>[];
  let openTrusts: OrganisationRecord[];

  beforeAll(() => {
    history = table('trust_name_history_ae_2014_2019.csv');
    files = {
      etr: read('etr.csv'),
      epraccur: read('epraccur_active_gp_practices.csv'),
      egdpprac: read('egdpprac_open_dental_practices.csv'),
      icb: read('icbs_2026_36_from_rtt_april2026.csv'),
      formerIcbs: [{ csvText: read('icbs_2022_42_icb_lookup.csv'), closedOn: '2026-03-31' }],
      succ: read('succ_trust_rows.csv'),
    };
    plain = buildDirectoryFromOds(files, { asOf: AS_OF });
    directory = buildDirectoryFromOds(
      { ...files, formerNames: history.map((row) => ({ odsCode: row.ods_code ?? '', name: row.name_as_published ?? '' })) },
      { asOf: AS_OF },
    );
    openTrusts = directory.toJSON().records.filter((org) => org.kind === 'trust' && (org.closeDate === undefined || org.closeDate >= AS_OF_DAY));
  });

  itFullOds('builds a directory of the ~16k current organisations', () => {
    // Speed is measured by `npm run bench`, not asserted here: a busy machine would fail it.
    expect(directory.size).toBeGreaterThan(16_000);
    expect(openTrusts).toHaveLength(203);
  });

  it('resolves every open trust from its ODS name and the usual ways of writing it', () => {
    const variants: Record<string, (name: string, code: string) => string | undefined> = {
      'ODS name': (name) => name,
      'lower case': (name) => name.toLowerCase(),
      'Title Case': (name) => titleCase(name),
      'NHS FT': (name) => (name.includes('NHS FOUNDATION TRUST') ? name.replace('NHS FOUNDATION TRUST', 'NHS FT') : undefined),
      NHSFT: (name) => (name.includes('NHS FOUNDATION TRUST') ? titleCase(name).replace('NHS Foundation Trust', 'NHSFT') : undefined),
      'Foundation Trust without NHS': (name) => (name.includes('NHS FOUNDATION TRUST') ? titleCase(name.replace('NHS FOUNDATION TRUST', 'FOUNDATION TRUST')) : undefined),
      '& for and': (name) => (name.includes(' AND ') ? titleCase(name).replace(/ And /g, ' & ') : undefined),
      'and for &': (name) => (name.includes('&') ? name.replace(/&/g, 'and') : undefined),
      'leading The toggled': (name) => (name.startsWith('THE ') ? titleCase(name.slice(4)) : `The ${titleCase(name)}`),
      'apostrophes dropped': (name) => (name.includes("'") ? titleCase(name).replace(/'/g, '') : undefined),
      'curly apostrophes': (name) => (name.includes("'") ? titleCase(name).replace(/'/g, '\u2019') : undefined),
      'Saint for St': (name) => (/\bST\b/.test(name) ? titleCase(name).replace(/\bSt\b/g, 'Saint') : undefined),
      'St. for St': (name) => (/\bST\b/.test(name) ? titleCase(name).replace(/\bSt\b/g, 'St.') : undefined),
      'Hosp for Hospital': (name) => (/HOSPITAL\b/.test(name) ? name.replace(/HOSPITAL\b/g, 'HOSP') : undefined),
      'Univ. for University': (name) => (name.includes('UNIVERSITY') ? titleCase(name).replace(/University/g, 'Univ.') : undefined),
      'messy spacing and punctuation': (name) => `  ${titleCase(name).replace(/ /g, '   ').replace(/ And /g, ', and ')}. `,
      'hyphens for spaces': (name) => titleCase(name).replace(/ /g, '-'),
      'NHS Trust and NHS Foundation Trust swapped': (name) =>
        name.endsWith('NHS FOUNDATION TRUST') ? name.replace(/NHS FOUNDATION TRUST$/, 'NHS TRUST') : name.replace(/NHS TRUST$/, 'NHS FOUNDATION TRUST'),
      'Trust without NHS': (name) => name.replace(/NHS (FOUNDATION )?TRUST$/, '$1TRUST'),
      'name with its ODS code': (name, code) => `${titleCase(name)} (${code})`,
      'ODS code then name': (name, code) => `${code} ${titleCase(name)}`,
    };
    const failures: string[] = [];
    const overall = tally();
    for (const [label, variant] of Object.entries(variants)) {
      const t = tally();
      for (const trust of openTrusts) {
        const text = variant(trust.name, trust.odsCode);
        if (text === undefined) continue;
        const resolution = directory.resolve(text);
        const outcome = score(t, resolution, [trust.odsCode]);
        score(overall, resolution, [trust.odsCode]);
        if (outcome !== 'correct') failures.push(`${label}: ${JSON.stringify(text)} → ${outcome}`);
      }
      record(`open trusts, ${label}`, t);
    }
    record('open trusts, all variants above', overall);
    expect(failures).toEqual([]);
  });

  itFullOds('resolves a trust name without its legal suffix only when it says what kind of body it is, and never wrongly', () => {
    const t = tally();
    const wrong: string[] = [];
    for (const trust of openTrusts) {
      const bare = titleCase(trust.name.replace(/ NHS (FOUNDATION )?TRUST$/, '').replace(/^THE /, ''));
      const resolution = directory.resolve(bare);
      if (score(t, resolution, [trust.odsCode]) === 'wrong') wrong.push(bare);
    }
    record('open trusts, bare name (no legal suffix)', t);
    expect(wrong).toEqual([]);
    expect(directory.resolve('Leeds Teaching Hospitals')).toMatchObject({ key: 'ods:RR8' });
    expect(directory.resolve('Mersey Care')).toMatchObject({ key: 'ods:RW4' });
    // A place name alone could be any organisation there.
    expect(directory.resolve('Royal Surrey').kind).toBe('unresolved');
    expect(directory.resolve('North Bristol').kind).toBe('unresolved');
    // "Dorset County Hospital" is also the whole name of a dental practice.
    expect(directory.resolve('Dorset County Hospital')).toMatchObject({ kind: 'ambiguous', reason: 'same-name' });
  });

  it('resolves the names NHS England published for trusts in 2014–2019 to the organisation that exists today', () => {
    const withHistory = tally();
    const withoutHistory = tally();
    const problems: string[] = [];
    for (const row of history) {
      const code = row.ods_code ?? '';
      const name = row.name_as_published ?? '';
      const expected = directory.currentCodesFor(code);
      const outcome = score(withHistory, directory.resolve(name), expected);
      score(withoutHistory, plain.resolve(name), expected);
      if (outcome !== 'correct') problems.push(`${code} ${name}: ${outcome}`);
    }
    record('A&E names 2014–2019, with those names loaded as former names', withHistory);
    record('A&E names 2014–2019, ODS files only', withoutHistory);
    expect(withHistory.wrong).toBe(0);
    expect(withoutHistory.wrong).toBe(0);
    // The two that cannot be resolved safely: a trust dissolved with no successor in ODS, and a split.
    expect(problems.sort()).toEqual([
      'RJD Mid Staffordshire NHS Foundation Trust: unresolved',
      'RW6 Pennine Acute Hospitals NHS Trust: ambiguous',
    ]);
    expect(directory.resolve('Mid Staffordshire NHS Foundation Trust')).toMatchObject({ kind: 'unresolved', closedMatches: [{ odsCode: 'RJD' }] });
    expect(directory.resolve('5 Boroughs Partnership NHS Foundation Trust')).toMatchObject({
      kind: 'resolved',
      key: 'ods:RW4',
      matchedBy: 'former-name',
      succeededFrom: { odsCode: 'RTV' },
    });
    expect(directory.resolve('Western Sussex Hospitals NHS Foundation Trust')).toMatchObject({ key: 'ods:RYR', matchedBy: 'former-name' });
  });

  it('resolves merged trusts, by name and by code, to today’s successor, and asks when a trust was split', () => {
    const trusts = new Map(table('nhs_trusts.csv').map((row) => [row.ods_code ?? '', row]));
    const successions = table('trust_successions_named.csv');
    const successorsOf = new Map<string, string[]>();
    for (const row of successions) successorsOf.set(row.predecessor_code ?? '', [...(successorsOf.get(row.predecessor_code ?? '') ?? []), row.successor_code ?? '']);
    // Expected answers worked out from the published table alone, independently of the directory.
    const today = (code: string, seen = new Set<string>()): string[] => {
      const closeDate = trusts.get(code)?.close_date ?? '';
      const isOpen = closeDate === '' || closeDate >= AS_OF_DAY.replace(/-/g, '');
      if (isOpen) return [code];
      if (seen.has(code)) return [];
      seen.add(code);
      return [...new Set((successorsOf.get(code) ?? []).flatMap((next) => today(next, seen)))].sort();
    };
    const byName = tally();
    const byCode = tally();
    for (const predecessor of new Set(successions.map((row) => row.predecessor_code ?? ''))) {
      const expected = today(predecessor);
      const name = trusts.get(predecessor)?.name ?? '';
      for (const [t, resolution] of [
        [byName, directory.resolve(titleCase(name))],
        [byCode, directory.resolve(predecessor)],
      ] as const) {
        if (expected.length === 1) {
          expect(score(t, resolution, expected), `${predecessor} ${name}`).toBe('correct');
          expect(resolution.kind === 'resolved' && resolution.succeededFrom?.odsCode).toBe(predecessor);
        } else if (expected.length === 0) {
          // Succeeded only by trusts that have closed in turn with no successor in the data.
          expect(score(t, resolution, []), `${predecessor} ${name}`).toBe('unresolved');
        } else {
          score(t, resolution, []);
          expect(resolution).toMatchObject({ kind: 'ambiguous', reason: 'split-succession' });
          expect(resolution.kind === 'ambiguous' && resolution.candidates.map((c) => c.odsCode)).toEqual(expected);
        }
      }
    }
    record('merged trusts by predecessor name', byName);
    record('merged trusts by predecessor code', byCode);
    expect(directory.resolve('Pennine Acute Hospitals NHS Trust')).toMatchObject({ kind: 'ambiguous', reason: 'split-succession' });
    expect(directory.resolve('RW6 Northern Care Alliance NHS Foundation Trust')).toMatchObject({ kind: 'resolved', key: 'ods:RM3' });
    // Successor found through a successor that has itself closed.
    expect(directory.resolve('Trafford Healthcare NHS Trust')).toMatchObject({ key: 'ods:R0A', succeededFrom: { odsCode: 'RM4' } });
    const merged = directory.resolve('Manchester University NHS Foundation Trust');
    expect(merged.kind === 'resolved' && merged.predecessorKeys).toEqual(expect.arrayContaining(['ods:RM2', 'ods:RW3', 'ods:RM4', 'ods:RW6']));
  });

  it('does not merge East London NHS FT with North East London NHS FT', () => {
    expect(directory.resolve('East London NHS FT')).toMatchObject({ kind: 'resolved', key: 'ods:RWK' });
    expect(directory.resolve('North East London NHS FT')).toMatchObject({ kind: 'resolved', key: 'ods:RAT' });
    expect(directory.resolve('ELFT NHS FT')).toMatchObject({ key: 'ods:RWK', matchedBy: 'abbreviation' });
    expect(directory.resolve('NELFT NHS FT')).toMatchObject({ key: 'ods:RAT', matchedBy: 'abbreviation' });
    const withoutEastLondon = OrganisationDirectory.build(
      directory.toJSON().records.filter((org) => org.odsCode !== 'RWK'),
      directory.toJSON().successions,
      { asOf: AS_OF },
    );
    const resolution = withoutEastLondon.resolve('East London NHS FT');
    expect(resolution.kind).toBe('unresolved');
    expect(resolution.kind === 'unresolved' && resolution.similar.map((org) => org.odsCode)).toContain('RAT');
  });

  it('does not choose between the practices called "THE SURGERY" or "DENTAL SURGERY", and resolves each with its postcode or code', () => {
    const surgery = directory.resolve('The Surgery');
    expect(surgery).toMatchObject({ kind: 'ambiguous', reason: 'same-name', disambiguateWith: ['ods-code', 'postcode'] });
    const dental = directory.resolve('DENTAL SURGERY');
    expect(dental).toMatchObject({ kind: 'ambiguous', reason: 'same-name' });
    // 1,784 in the full files; a few dozen in the extract.
    const dentalSurgeries = (parse(files.egdpprac ?? '', { relaxColumnCount: true }) as string[][]).filter((row) => row[1] === 'DENTAL SURGERY').length;
    expect(dental.kind === 'ambiguous' && dental.candidateCount).toBeGreaterThanOrEqual(dentalSurgeries);

    const all = directory.toJSON().records;
    for (const name of ['THE SURGERY', 'DENTAL SURGERY', 'HIGH STREET SURGERY']) {
      const sameName = all.filter((org) => canonicalOrganisationName(org.name) === canonicalOrganisationName(name));
      const t = tally();
      for (const org of sameName) {
        expect(score(tally(), directory.resolve(`${titleCase(name)} (${org.odsCode})`), [org.odsCode])).toBe('correct');
        const sharing = sameName.filter((other) => other.postcode === org.postcode).length;
        const outcome = score(t, directory.resolve(`${titleCase(name)}, ${org.postcode ?? ''}`), [org.odsCode]);
        expect(outcome, `${org.odsCode} ${org.postcode ?? ''}`).toBe(sharing === 1 ? 'correct' : 'ambiguous');
      }
      record(`"${name}" + postcode`, t);
    }
  });

  itFullOds('resolves a GP practice from its name and postcode, and never to another practice', () => {
    const practices = directory.toJSON().records.filter((org) => org.kind === 'gp-practice');
    expect(practices.length).toBe(6_604);
    const t = tally();
    const unexpected: string[] = [];
    for (const practice of practices) {
      const outcome = score(t, directory.resolve(`${practice.name}, ${practice.postcode ?? ''}`), [practice.odsCode]);
      if (outcome === 'wrong') unexpected.push(`${practice.odsCode} ${practice.name}`);
      if (outcome === 'unresolved') unexpected.push(`${practice.odsCode} ${practice.name}`);
    }
    record('GP practices, name + postcode', t);
    // The one GP-coded unit carrying a trust's legal name is a service of that trust, not a practice.
    expect(unexpected).toEqual(['Y06499 ESSEX UNIVERSITY PARTNERSHIP NHS TRUST']);
  });

  itFullOds('gives no two distinct current organisations one key unless their names are genuinely the same', () => {
    const current = directory.toJSON().records.filter((org) => org.closeDate === undefined || org.closeDate >= AS_OF_DAY);
    const counts = { self: 0, sameName: 0, commonName: 0, trustService: 0, unresolvedTrustService: 0 };
    const unexpected: string[] = [];
    for (const org of current) {
      const resolution = directory.resolve(org.name);
      expect(directory.resolve(`${org.name} (${org.odsCode})`)).toMatchObject({ kind: 'resolved', key: `ods:${org.odsCode}` });
      if (resolution.kind === 'resolved' && resolution.organisation.odsCode === org.odsCode) counts.self += 1;
      else if (resolution.kind === 'ambiguous' && resolution.reason === 'common-name') {
        expect(resolution.candidates.map((c) => c.odsCode)).toEqual([org.odsCode]);
        counts.commonName += 1;
      } else if (resolution.kind === 'ambiguous' && resolution.candidates.every((c) => canonicalOrganisationName(c.name) === canonicalOrganisationName(org.name))) {
        counts.sameName += 1;
      } else if (/ (nhs|trust)$/.test(canonicalOrganisationName(org.name)) && org.kind !== 'trust') {
        // Practices named after the trust that runs them (or a long-gone PCT).
        if (resolution.kind === 'resolved') {
          expect(resolution.organisation.kind).toBe('trust');
          counts.trustService += 1;
        } else counts.unresolvedTrustService += 1;
      } else if (resolution.kind === 'ambiguous' && resolution.reason === 'same-name' && resolution.candidates.some((c) => c.kind === 'trust')) {
        counts.sameName += 1; // a practice whose whole name is what people call a trust
      } else unexpected.push(`${org.odsCode} ${org.name} → ${resolution.kind}`);
    }
    console.log('own-name resolution of current organisations', counts);
    expect(unexpected).toEqual([]);
    expect(counts.self).toBeGreaterThan(9_500);
  });

  it('resolves the 36 ICBs in force and the 42 earlier ones, and never one for another', () => {
    const current = table('icbs_2026_36_from_rtt_april2026.csv');
    const earlier = table('icbs_2022_42_icb_lookup.csv').filter((row) => row.icb_code !== '-');
    const currentCodes = new Set(current.map((row) => row.icb_code));
    const t = tally();
    for (const row of current) {
      const name = row.icb_name ?? '';
      const short = titleCase(name).replace(/^NHS /, '').replace(/Integrated Care Board$/, 'ICB');
      for (const text of [name, titleCase(name), short, `NHS ${short}`]) expect(score(t, directory.resolve(text), [row.icb_code ?? '']), text).toBe('correct');
    }
    record('ICBs in force (36), 4 forms each', t);
    const old = tally();
    for (const row of earlier) {
      const resolution = directory.resolve(titleCase(row.icb_name ?? '').replace(/Integrated Care Board$/, 'ICB'));
      if (currentCodes.has(row.icb_code)) expect(score(old, resolution, [row.icb_code ?? ''])).toBe('correct');
      else {
        score(old, resolution, []);
        expect(resolution).toMatchObject({ kind: 'unresolved', closedMatches: [{ odsCode: row.icb_code }] });
      }
    }
    record('ICBs of 2022–2026 (42)', old);
    expect(old.wrong).toBe(0);
  });

  itFullOds('does not resolve independent-sector providers to NHS organisations', () => {
    const providers = table('rtt_providers_april2026.csv');
    const nhs = tally();
    const wrong: string[] = [];
    const missed: string[] = [];
    const matchedPractices: string[] = [];
    for (const row of providers) {
      const name = row.provider_org_name ?? '';
      const resolution = directory.resolve(name);
      if (row.in_ods_etr === 'Y') {
        const outcome = score(nhs, resolution, [row.provider_org_code ?? '']);
        if (outcome === 'wrong') wrong.push(name);
        if (outcome !== 'correct') missed.push(`${row.provider_org_code ?? ''} ${name}`);
      } else if (resolution.kind === 'resolved') {
        if (resolution.organisation.kind === 'trust' || resolution.organisation.kind === 'icb') wrong.push(`${name} → ${resolution.organisation.name}`);
        else matchedPractices.push(`${name} → ${resolution.organisation.odsCode}`);
      }
    }
    record('RTT April 2026 NHS providers', nhs);
    expect(wrong).toEqual([]);
    // RA7 is printed under its pre-2026 name, which is in none of the files loaded here.
    expect(missed).toEqual(['RA7 UNIVERSITY HOSPITALS BRISTOL AND WESTON NHS FOUNDATION TRUST']);
    // A registered company name is unique, so this is the same company under its GP-role code.
    // ("MANOR HOSPITAL", an independent hospital, is kept from the Walsall dental service of that
    // name by the common-name rule.)
    expect(matchedPractices).toEqual(['OMNES HEALTHCARE LTD → Y02575']);
    expect(directory.resolve('MANOR HOSPITAL')).toMatchObject({ kind: 'ambiguous', reason: 'common-name', disambiguateWith: ['ods-code', 'postcode'] });
  });

  itFullOds('resolves trust names as NHS staff typed them into ODS only when that is safe', () => {
    // Expected answers checked by hand (the postcode candidates in the file are not a mapping).
    // null: the organisation is not in the data (dissolved long ago, or Welsh).
    const expected: Record<string, string | null> = {
      'ROYAL CORNWALL HOSPITALS NHS TRUST': 'REF',
      'SOLENT NHS TRUST T/A MEDINA HEALTHCARE': 'J84017', // the GP practice of exactly that name
      'PEMBROKESHIRE & DERWEN NHS TRUST': null,
      'NORTHERN GENERAL HOSPITAL NHS TRUST': null,
      'SOUTH CENTRAL AMBULANCE SERV NHS TRUST': 'RYE',
      "LIVERPOOL WOMEN'S NHS FOUNDATION TRUST": 'REP',
      'LUTON & DUNSTABLE HOSP NHS TRUST': 'RC9',
      'TAMESIDE & GLOSSOP IC NHS FT': 'RMP',
      'CLCH NHS TRUST': 'RYX',
      'KINGSTON & RICHMOND NHS FOUNDATION TRUST': 'RAX',
      'CROYDON H SERV NHS TRUST': 'RJ6',
      'SHROPSHIRE COMMUNITY HEALTH NHS TRUST': 'R1D',
      'MERSEYCARE NHS TRUST': 'RW4',
      'MERSEY CARE NHS FT': 'RW4',
      'MERSEY CARE NHS TRUST - NMP': 'RW4',
      'CLCH NHS TRUST, 1ST FLOOR': 'RYX',
      'CLCH NHS TRUST,1ST FLOOR': 'RYX',
      'GLOUCESTERSHIRE CARE SERVICES NHS TRUST': 'RTQ',
      'ISLE OF WIGHT NHS TRUST NMP': 'R1F',
      'SOUTH TYNESIDE NHS FT COMMUNITY - GAT': 'R0B',
      'SOUTH TYNESIDE & SUNDERLAND NHS FT STY': 'R0B',
      'SOUTH TYNESIDE & SUNDERLAND NHS FT SUN': 'R0B',
      "N TEES & H'POOL NHS FT": 'RVW',
      'NORTH CUMBRIA INTEGRATED CARE NHS FT': 'RNN',
      'ROTHERHAM NHS FOUNDATION': 'RFR',
      'ROTHERHAM NHS TRUST': 'RFR',
      'UHB NHS FT QE HOSP HQ': 'RRK',
      'LANCASHIRE CARE NHS FT': 'RW5',
      'LANCASHIRE CARE NHS TRUST': 'RW5',
      'WWL NHS FT': 'RRF',
      'RAEI-WWL NHSFT': 'RRF',
      'WYE VALLEY NHS TRUST': 'RLQ',
      'BTH NHS FOUNDATION TRUST': 'RAE',
      'SUSSEX COMMUNITY NHS TRUST': 'RDR',
      'NORTHUMBRIA H/CARE NHS FT': 'RTF',
      'AINTREE UNI. HOSP NHS FT': 'REM',
      'SOUTHEND HOSPITAL NHS TRUST': 'RAJ',
      'HEALTH VISITORS SWBH NHS TRUST': 'RXK',
      'THE DUDLEY GROUP NHS FT': 'RNA',
      'IMPERIAL COLL NHS TRUST': 'RYJ',
      'BARTS HEALTH NHS TRUST CHS': 'R1H',
      'POOLE HOSPITAL NHS TRUST': 'R0D',
      'RBCH NHSFT': 'R0D',
      'T&G IC NHSFT': 'RMP',
      'SCAS NHS FT': 'RYE',
      'ESSEX UNIVERSITY PARTNERSHIP NHS TRUST': 'R1L',
      'ROYAL WOLVERHAMPTON NHS TRUST': 'RL4',
      'UHCW NHS TRUST': 'RKB',
      'NT&H NHSFT': 'RVW',
      'DCH AIREDALE NHS FOUNDATION TRUST': 'RCF',
      'SURREY AND SUSSEX HEALTHCARE NHS TRUST': 'RTP',
      'UNIVERSITY HOSPITALS SUSSEX NHS TRUST': 'RYR',
      'ASHFORD AND ST PETERS NHS TRUST': 'RTK',
    };
    const strings = [...new Set(table('epraccur_trust_name_strings.csv').map((row) => row.string_as_entered_in_ods ?? ''))];
    expect(strings.filter((text) => !(text in expected))).toEqual([]);
    const t = tally();
    const outcomes: Record<string, string> = {};
    for (const text of strings) {
      const answer = expected[text] ?? null;
      const resolution = directory.resolve(text);
      outcomes[text] = score(t, resolution, answer === null ? [] : [answer]);
      if (answer === null) expect(resolution.kind, text).not.toBe('resolved');
    }
    record('trust names as typed into ODS by staff', t);
    expect(t.wrong).toBe(0);
    // The ones resolved today; losing any of them is a regression.
    const resolvedNow = Object.entries(outcomes).filter(([, outcome]) => outcome === 'correct').map(([text]) => text).sort();
    expect(resolvedNow).toEqual(
      [
        'AINTREE UNI. HOSP NHS FT', 'CLCH NHS TRUST', 'CROYDON H SERV NHS TRUST', 'GLOUCESTERSHIRE CARE SERVICES NHS TRUST',
        'KINGSTON & RICHMOND NHS FOUNDATION TRUST', "LIVERPOOL WOMEN'S NHS FOUNDATION TRUST", 'MERSEY CARE NHS FT', 'MERSEYCARE NHS TRUST',
        'NORTH CUMBRIA INTEGRATED CARE NHS FT', 'NORTHUMBRIA H/CARE NHS FT', 'POOLE HOSPITAL NHS TRUST', 'RBCH NHSFT', 'ROTHERHAM NHS FOUNDATION',
        'ROTHERHAM NHS TRUST', 'ROYAL CORNWALL HOSPITALS NHS TRUST', 'ROYAL WOLVERHAMPTON NHS TRUST', 'SCAS NHS FT',
        'SHROPSHIRE COMMUNITY HEALTH NHS TRUST', 'SOLENT NHS TRUST T/A MEDINA HEALTHCARE', 'SOUTH CENTRAL AMBULANCE SERV NHS TRUST', 'SURREY AND SUSSEX HEALTHCARE NHS TRUST',
        'SUSSEX COMMUNITY NHS TRUST', 'THE DUDLEY GROUP NHS FT', 'UHCW NHS TRUST', 'UNIVERSITY HOSPITALS SUSSEX NHS TRUST', 'WWL NHS FT',
        'WYE VALLEY NHS TRUST',
      ].sort(),
    );
    // An acronym two trusts share is a question, not an answer.
    expect(directory.resolve('BTH NHS FOUNDATION TRUST')).toMatchObject({ kind: 'ambiguous', reason: 'abbreviation' });
    expect(directory.resolve('UHB NHS FT')).toMatchObject({ kind: 'ambiguous', reason: 'abbreviation' });
    // What could not be resolved still reaches staff with the right look-alike.
    for (const [text, code] of [
      ['IMPERIAL COLL NHS TRUST', 'RYJ'],
      ['LUTON & DUNSTABLE HOSP NHS TRUST', 'RC9'],
      ['TAMESIDE & GLOSSOP IC NHS FT', 'RMP'],
      ['ESSEX UNIVERSITY PARTNERSHIP NHS TRUST', 'R1L'],
      ['BARTS HEALTH NHS TRUST CHS', 'R1H'],
    ] as const) {
      const resolution = directory.resolve(text);
      expect(resolution.kind === 'unresolved' && resolution.similar.map((org) => org.odsCode), text).toContain(code);
    }
  });

  it('round-trips the real directory through a JSON snapshot', () => {
    const restored = OrganisationDirectory.fromJSON(JSON.parse(JSON.stringify(directory.toJSON())));
    for (const text of ['The Surgery', 'RBCH NHSFT', 'Solent NHS Trust', 'NHS Frimley ICB', 'Leeds Teaching Hospitals (RR8)']) {
      expect(restored.resolve(text)).toEqual(directory.resolve(text));
    }
  });

  afterAllReport();
});

function afterAllReport(): void {
  // Figures for the record: printed once, after every test above has added its own.
  describe('measured figures', () => {
    it('prints precision and recall for each set of names tried', () => {
      console.table(report);
      for (const [label, figures] of Object.entries(report)) {
        if (!label.startsWith('RTT April 2026 independent')) expect(Number(figures.precision), label).toBe(1);
      }
    });
  });
}
