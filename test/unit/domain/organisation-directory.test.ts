import { describe, expect, it } from 'vitest';
import { OrganisationDirectory } from '../../../src/domain/organisation-directory.js';
import type { OrganisationRecord, Succession } from '../../../src/domain/organisation-record.js';
import type { Resolution } from '../../../src/domain/organisation-directory.js';

// Fictional organisations (codes and postcodes that do not exist), shaped like the cases the
// real ODS data contains.
const trust = (odsCode: string, name: string, extra: Partial<OrganisationRecord> = {}): OrganisationRecord => ({ odsCode, name, kind: 'trust', ...extra });
const gp = (odsCode: string, name: string, postcode: string, extra: Partial<OrganisationRecord> = {}): OrganisationRecord => ({
  odsCode,
  name,
  kind: 'gp-practice',
  postcode,
  ...extra,
});
const dental = (odsCode: string, name: string, postcode: string): OrganisationRecord => ({ odsCode, name, kind: 'dental-practice', postcode });
const icb = (odsCode: string, name: string, extra: Partial<OrganisationRecord> = {}): OrganisationRecord => ({ odsCode, name, kind: 'icb', ...extra });

const RECORDS: OrganisationRecord[] = [
  trust('RZZ', 'NORTHSHIRE TEACHING HOSPITALS NHS TRUST', { postcode: 'ZZ1 1AA', formerNames: ['Northshire Hospitals NHS Trust'] }),
  trust('RZY', 'EAST WESTSHIRE NHS FOUNDATION TRUST', { postcode: 'ZZ5 1AA' }),
  trust('RZX', 'NORTH EAST WESTSHIRE NHS FOUNDATION TRUST', { postcode: 'ZZ5 2AA' }),
  trust('RZV', "ST AGATHA'S CHILDREN'S HOSPITAL NHS TRUST", { postcode: 'ZZ1 3AA' }),
  trust('RZS', 'RIVERVALE UNIVERSITY HOSPITALS NHS FOUNDATION TRUST', { postcode: 'ZZ4 1AA', openDate: '2023-04-01' }),
  trust('RZW', 'SOUTHVALE COMMUNITY HEALTHCARE NHS TRUST', { postcode: 'ZZ2 1AA', closeDate: '2023-03-31' }),
  trust('RZT', 'OLDFORD HOSPITAL NHS TRUST', { postcode: 'ZZ3 1AA', closeDate: '2023-03-31' }),
  trust('RZR', 'FENLAND ACUTE HOSPITALS NHS TRUST', { postcode: 'ZZ6 1AA', closeDate: '2021-09-30' }),
  trust('RZQ', 'FENLAND NORTH NHS FOUNDATION TRUST', { postcode: 'ZZ6 2AA' }),
  trust('RZP', 'FENLAND SOUTH NHS FOUNDATION TRUST', { postcode: 'ZZ6 3AA' }),
  trust('RZO', 'WOLDS PROJECT NHS TRUST', { closeDate: '2020-03-26' }),
  trust('RZN', 'UPPER DALE NHS TRUST', { closeDate: '2010-03-31' }),
  trust('RZM', 'MID DALE NHS TRUST', { closeDate: '2015-03-31' }),
  trust('RZL', 'DALES HEALTH NHS FOUNDATION TRUST'),
  trust('RZK', 'ISLEHAM VALLEY NHS TRUST', { postcode: 'ZZ7 1AA' }),
  trust('RZJ', 'CENTRAL WESTSHIRE COMMUNITY HEALTHCARE NHS TRUST'),
  trust('RZI', 'BRAMBLE TEACHING HOSPITALS NHS FOUNDATION TRUST'),
  trust('RZH', 'BRACKEN TEACHING HOSPITALS NHS FOUNDATION TRUST'),
  trust('RZG', 'KESTREL HEALTH SERVICES NHS TRUST'),
  trust('RZF', 'NEW HORIZONS NHS TRUST', { openDate: '2027-01-01' }),
  trust('RZE', 'SHUTTING DOWN NHS TRUST', { closeDate: '2026-12-31' }),
  trust('RZD', 'COMING MERGER NHS TRUST', { closeDate: '2026-12-31' }),
  gp('Y99001', 'THE SURGERY', 'ZZ1 2AB'),
  gp('Y99002', 'THE SURGERY', 'ZZ2 3CD'),
  gp('Y99003', 'THE SURGERY', 'ZZ2 3CD'),
  gp('Y99004', 'ACORN MEDICAL CENTRE', 'ZZ3 4EF'),
  gp('Y99005', 'HIGH STREET SURGERY', 'ZZ3 5GH'),
  gp('Y99006', 'HIGH ST SURGERY', 'ZZ8 5GH'),
  gp('Y99007', 'OLD MILL SURGERY', 'ZZ3 6JK', { closeDate: '2024-03-31' }),
  gp('Y99008', 'MILLSTREAM SURGERY', 'ZZ3 6JK'),
  gp('Y99009', 'ESSEX ROAD PARTNERSHIP NHS TRUST', 'ZZ9 9AA'),
  dental('V99001', 'DENTAL SURGERY', 'ZZ1 5LM'),
  dental('V99002', 'DENTAL SURGERY', 'ZZ3 7NP'),
  dental('V99003', 'ISLEHAM VALLEY NHS TRUST', 'ZZ7 2BB'),
  dental('V99004', 'NORTHSHIRE COUNTY HOSPITAL', 'ZZ1 9ZZ'),
  trust('RZC', 'NORTHSHIRE COUNTY HOSPITAL NHS FOUNDATION TRUST', { postcode: 'ZZ1 8AA' }),
  icb('X9X9X', 'NHS NORTHSHIRE AND RIVERVALE INTEGRATED CARE BOARD'),
  icb('X9X9Y', 'NHS WESTSHIRE INTEGRATED CARE BOARD', { formerNames: ['NHS WEST WESTSHIRE INTEGRATED CARE BOARD'] }),
  icb('X9X9Z', 'NHS DALES INTEGRATED CARE BOARD', { closeDate: '2026-03-31' }),
];

const SUCCESSIONS: Succession[] = [
  { predecessorCode: 'RZW', successorCode: 'RZS', effectiveDate: '2023-04-01' },
  { predecessorCode: 'RZT', successorCode: 'RZS', effectiveDate: '2023-04-01' },
  { predecessorCode: 'RZR', successorCode: 'RZQ', effectiveDate: '2021-10-01' },
  { predecessorCode: 'RZR', successorCode: 'RZP', effectiveDate: '2021-10-01' },
  { predecessorCode: 'RZN', successorCode: 'RZM', effectiveDate: '2010-04-01' },
  { predecessorCode: 'RZM', successorCode: 'RZL', effectiveDate: '2015-04-01' },
  { predecessorCode: 'Y99007', successorCode: 'Y99008', effectiveDate: '2024-04-01' },
  { predecessorCode: 'RZD', successorCode: 'RZL', effectiveDate: '2027-01-01' },
];

const AS_OF = new Date('2026-05-01T12:00:00Z');
const directory = OrganisationDirectory.build(RECORDS, SUCCESSIONS, { asOf: AS_OF });

function resolvedCode(resolution: Resolution): string | undefined {
  return resolution.kind === 'resolved' ? resolution.organisation.odsCode : undefined;
}
function candidateCodes(resolution: Resolution): string[] {
  return resolution.kind === 'ambiguous' ? resolution.candidates.map((candidate) => candidate.odsCode) : [];
}

describe('OrganisationDirectory.resolve by name', () => {
  it.each([
    ['NORTHSHIRE TEACHING HOSPITALS NHS TRUST', 'RZZ'],
    ['northshire teaching hospitals nhs trust', 'RZZ'],
    ['The Northshire Teaching Hospitals N.H.S. Trust', 'RZZ'],
    ['Northshire Teaching Hosps NHS Trust', 'RZZ'],
    ["St Agatha's Children's Hospital NHS Trust", 'RZV'],
    ['Saint Agathas Childrens Hosp NHS Trust', 'RZV'],
    ['St. Agatha\u2019s Children\u2019s Hospital NHS Trust', 'RZV'],
    ['East Westshire NHS FT', 'RZY'],
    ['North East Westshire NHSFT', 'RZX'],
    ['Rivervale University Hospitals Foundation Trust', 'RZS'],
    ['Rivervale Univ. Hospitals NHS Trust', 'RZS'],
    ['Acorn Medical Centre', 'Y99004'],
    ['NHS Westshire ICB', 'X9X9Y'],
    ['Westshire Integrated Care Board', 'X9X9Y'],
  ])('resolves %j to %s by its name', (name, code) => {
    const resolution = directory.resolve(name);
    expect(resolvedCode(resolution)).toBe(code);
    expect(resolution.kind === 'resolved' && resolution.matchedBy).toBe('name');
    expect(resolution.kind === 'resolved' && resolution.key).toBe(`ods:${code}`);
  });

  it('keys a resolved organisation by its ODS code and also gives the name key it would have had', () => {
    expect(directory.resolve('Northshire Teaching Hospitals NHS Trust')).toMatchObject({
      kind: 'resolved',
      key: 'ods:RZZ',
      nameKey: 'name:northshire-teaching-hospitals-nhs-trust',
      predecessorKeys: [],
    });
  });

  it('resolves a former name under the same code', () => {
    expect(directory.resolve('Northshire Hospitals NHS Trust')).toMatchObject({ kind: 'resolved', key: 'ods:RZZ', matchedBy: 'former-name' });
    expect(directory.resolve('NHS West Westshire ICB')).toMatchObject({ kind: 'resolved', key: 'ods:X9X9Y', matchedBy: 'former-name' });
  });

  it('resolves a merged trust to its successor and says which organisation was named', () => {
    const resolution = directory.resolve('Southvale Community Healthcare NHS Trust');
    expect(resolution).toMatchObject({ kind: 'resolved', key: 'ods:RZS', matchedBy: 'former-name', succeededFrom: { odsCode: 'RZW' } });
    expect(resolution.kind === 'resolved' && resolution.predecessorKeys).toEqual(['ods:RZT', 'ods:RZW']);
  });

  it('follows a chain of successions to the organisation that exists today', () => {
    expect(directory.resolve('Upper Dale NHS Trust')).toMatchObject({ kind: 'resolved', key: 'ods:RZL', succeededFrom: { odsCode: 'RZN' } });
    expect(directory.currentCodesFor('RZN')).toEqual(['RZL']);
  });

  it('does not pick a successor when the organisation was split', () => {
    const resolution = directory.resolve('Fenland Acute Hospitals NHS Trust');
    expect(resolution).toMatchObject({ kind: 'ambiguous', reason: 'split-succession', disambiguateWith: ['ods-code'] });
    expect(candidateCodes(resolution)).toEqual(['RZP', 'RZQ']);
  });

  it('tells staff when a name belongs to an organisation that closed with no successor', () => {
    const resolution = directory.resolve('Wolds Project NHS Trust');
    expect(resolution).toMatchObject({ kind: 'unresolved', key: 'name:wolds-project-nhs-trust', closedMatches: [{ odsCode: 'RZO' }] });
    expect(directory.resolve('NHS Dales ICB')).toMatchObject({ kind: 'unresolved', closedMatches: [{ odsCode: 'X9X9Z' }] });
  });

  it('counts an organisation as current until its close date, and from before it opens', () => {
    expect(resolvedCode(directory.resolve('Shutting Down NHS Trust'))).toBe('RZE');
    expect(resolvedCode(directory.resolve('Coming Merger NHS Trust'))).toBe('RZD');
    expect(resolvedCode(directory.resolve('New Horizons NHS Trust'))).toBe('RZF');
    const later = OrganisationDirectory.build(RECORDS, SUCCESSIONS, { asOf: new Date('2027-02-01') });
    expect(later.resolve('Shutting Down NHS Trust')).toMatchObject({ kind: 'unresolved', closedMatches: [{ odsCode: 'RZE' }] });
    expect(later.resolve('Coming Merger NHS Trust')).toMatchObject({ kind: 'resolved', key: 'ods:RZL', succeededFrom: { odsCode: 'RZD' } });
  });

  it('matches the name with the other legal suffix, and without one when it says what kind of body it is', () => {
    expect(resolvedCode(directory.resolve('East Westshire NHS Trust'))).toBe('RZY');
    expect(resolvedCode(directory.resolve('Northshire Teaching Hospitals NHS Foundation Trust'))).toBe('RZZ');
    expect(resolvedCode(directory.resolve('Northshire Teaching Hospitals'))).toBe('RZZ');
    expect(resolvedCode(directory.resolve('Kestrel Health Services'))).toBe('RZG');
  });

  it('does not resolve a bare place name that could be anything there', () => {
    const resolution = directory.resolve('East Westshire');
    expect(resolution.kind).toBe('unresolved');
    expect(resolution.kind === 'unresolved' && resolution.similar.map((record) => record.odsCode)).toContain('RZY');
  });

  it('keeps a close-but-different name apart, and shows it to staff when the name is unknown', () => {
    expect(resolvedCode(directory.resolve('East Westshire NHS FT'))).toBe('RZY');
    expect(resolvedCode(directory.resolve('North East Westshire NHS FT'))).toBe('RZX');
    const withoutEast = OrganisationDirectory.build(
      RECORDS.filter((record) => record.odsCode !== 'RZY'),
      [],
      { asOf: AS_OF },
    );
    const resolution = withoutEast.resolve('East Westshire NHS FT');
    expect(resolution).toMatchObject({ kind: 'unresolved', key: 'name:east-westshire-nhs-foundation-trust' });
    expect(resolution.kind === 'unresolved' && resolution.similar.map((record) => record.odsCode)).toEqual(['RZX']);
  });

  it('treats practices that carry a trust legal name as part of that trust', () => {
    expect(resolvedCode(directory.resolve('Isleham Valley NHS Trust'))).toBe('RZK');
    // No trust of that name: a GP-coded unit by that name is not the applicant either.
    expect(directory.resolve('Essex Road Partnership NHS Trust').kind).toBe('unresolved');
  });

  it('does not choose between a practice of that exact name and a trust people call by it', () => {
    const resolution = directory.resolve('Northshire County Hospital');
    expect(resolution).toMatchObject({ kind: 'ambiguous', reason: 'same-name' });
    expect(candidateCodes(resolution)).toEqual(['RZC', 'V99004']);
  });
});

describe('OrganisationDirectory.resolve with abbreviations', () => {
  it('resolves an acronym with a legal suffix when exactly one trust fits', () => {
    expect(directory.resolve('CWCH NHS Trust')).toMatchObject({ kind: 'resolved', key: 'ods:RZJ', matchedBy: 'abbreviation' });
    expect(directory.resolve('NTHT NHS Trust')).toMatchObject({ kind: 'resolved', key: 'ods:RZZ', matchedBy: 'abbreviation' });
  });

  it('does not resolve an acronym that fits several trusts', () => {
    const resolution = directory.resolve('BTH NHS FT');
    expect(resolution).toMatchObject({ kind: 'ambiguous', reason: 'abbreviation', disambiguateWith: ['ods-code'] });
    expect(candidateCodes(resolution)).toEqual(['RZH', 'RZI']);
  });

  it('does not resolve a bare acronym, but shows staff what it may stand for', () => {
    const resolution = directory.resolve('CWCH');
    expect(resolution.kind).toBe('unresolved');
    expect(resolution.kind === 'unresolved' && resolution.similar.map((record) => record.odsCode)).toEqual(['RZJ']);
  });

  it('resolves shortened words when every word fits exactly one trust', () => {
    expect(directory.resolve('Kestrel H Serv NHS Trust')).toMatchObject({ kind: 'resolved', key: 'ods:RZG', matchedBy: 'abbreviation' });
    expect(directory.resolve('Central Westshire Comm Healthcare NHS Trust')).toMatchObject({ key: 'ods:RZJ', matchedBy: 'abbreviation' });
  });

  it('needs a spelled-out distinctive word before expanding shortenings', () => {
    expect(directory.resolve('Cent West Comm Healthcare NHS Trust').kind).toBe('unresolved');
  });

  it('reads spelled-out letters as an acronym', () => {
    expect(directory.resolve('K.H.S. NHS Trust')).toMatchObject({ key: 'ods:RZG', matchedBy: 'abbreviation' });
  });
});

describe('OrganisationDirectory.resolve for shared names', () => {
  it('does not choose between practices with the same name', () => {
    const resolution = directory.resolve('The Surgery');
    expect(resolution).toMatchObject({ kind: 'ambiguous', reason: 'same-name', candidateCount: 3, disambiguateWith: ['ods-code', 'postcode'] });
    expect(candidateCodes(resolution)).toEqual(['Y99001', 'Y99002', 'Y99003']);
    expect(directory.resolve('DENTAL SURGERY')).toMatchObject({ kind: 'ambiguous', candidateCount: 2 });
  });

  it('resolves a shared name with a postcode that only one of them has', () => {
    expect(directory.resolve('The Surgery, ZZ1 2AB')).toMatchObject({ kind: 'resolved', key: 'ods:Y99001', matchedBy: 'postcode' });
    expect(directory.resolve('the surgery zz12ab')).toMatchObject({ kind: 'resolved', key: 'ods:Y99001' });
  });

  it('asks for the ODS code when the postcode is shared too or matches none', () => {
    const shared = directory.resolve('The Surgery, ZZ2 3CD');
    expect(shared).toMatchObject({ kind: 'ambiguous', disambiguateWith: ['ods-code'] });
    expect(candidateCodes(shared)).toEqual(['Y99002', 'Y99003']);
    expect(directory.resolve('The Surgery, ZZ9 1XX')).toMatchObject({ kind: 'ambiguous', candidateCount: 3, disambiguateWith: ['ods-code'] });
  });

  it('resolves a shared name with its ODS code', () => {
    expect(directory.resolve('The Surgery (Y99003)')).toMatchObject({ kind: 'resolved', key: 'ods:Y99003', matchedBy: 'ods-code' });
  });

  it('treats "High St" and "High Street" as one name', () => {
    const resolution = directory.resolve('High Street Surgery');
    expect(candidateCodes(resolution)).toEqual(['Y99005', 'Y99006']);
    expect(resolvedCode(directory.resolve('High St Surgery, ZZ8 5GH'))).toBe('Y99006');
  });

  it('asks for a postcode or code when a practice name is made only of common words', () => {
    const manors = ['MANOR SURGERY', 'MANOR HOUSE SURGERY', 'MANOR PARK PRACTICE', 'THE MANOR PRACTICE', 'MANOR LANE SURGERY', 'MANOR ROAD SURGERY'];
    const records = [
      ...manors.map((name, index) => gp(`Y9810${index}`, name, `ZZ${20 + index} 1AB`)),
      dental('V98200', 'MANOR HOSPITAL', 'ZZ9 2PS'),
      gp('Y98300', 'ZEPHYRWOOD MEDICAL CENTRE', 'ZZ9 3AB'),
    ];
    const withManors = OrganisationDirectory.build(records, [], { asOf: AS_OF });
    const resolution = withManors.resolve('Manor Hospital');
    expect(resolution).toMatchObject({ kind: 'ambiguous', reason: 'common-name', candidateCount: 1, disambiguateWith: ['ods-code', 'postcode'] });
    expect(withManors.resolve('Manor Hospital, ZZ9 2PS')).toMatchObject({ kind: 'resolved', key: 'ods:V98200' });
    expect(withManors.resolve('Manor Hospital (V98200)')).toMatchObject({ kind: 'resolved', key: 'ods:V98200' });
    expect(withManors.resolve('Zephyrwood Medical Centre')).toMatchObject({ kind: 'resolved', key: 'ods:Y98300' });
  });

  it('caps the candidates it lists but says how many there are', () => {
    const many = Array.from({ length: 40 }, (_, index) => dental(`V98${String(index).padStart(3, '0')}`, 'DENTAL SURGERY', `ZZ${10 + index} 1AB`));
    const resolution = OrganisationDirectory.build(many, [], { asOf: AS_OF }).resolve('Dental Surgery');
    expect(resolution).toMatchObject({ kind: 'ambiguous', candidateCount: 40, disambiguateWith: ['ods-code', 'postcode'] });
    expect(candidateCodes(resolution)).toHaveLength(25);
  });
});

describe('OrganisationDirectory.resolve with identifiers', () => {
  it('resolves an ODS code on its own or next to its name', () => {
    expect(directory.resolve('RZZ')).toMatchObject({ kind: 'resolved', key: 'ods:RZZ', matchedBy: 'ods-code' });
    expect(directory.resolve('Northshire Teaching Hospitals (RZZ)')).toMatchObject({ key: 'ods:RZZ', matchedBy: 'ods-code' });
    expect(directory.resolve('Y99004 Acorn Medical Centre')).toMatchObject({ key: 'ods:Y99004', matchedBy: 'ods-code' });
  });

  it('takes an all-letter code in capitals from the edge of a name it does not otherwise know, if they agree', () => {
    expect(directory.resolve('RZZ Northshire Teaching Hospitals')).toMatchObject({ key: 'ods:RZZ', matchedBy: 'ods-code' });
    expect(directory.resolve('Northshire Teaching Hospitals - RZZ')).toMatchObject({ key: 'ods:RZZ', matchedBy: 'ods-code' });
    const disagreeing = directory.resolve('RZY Northshire Teaching Hospitals');
    expect(disagreeing).toMatchObject({ kind: 'unresolved', key: 'name:rzy-northshire-teaching-hospitals' });
    expect(disagreeing.kind === 'unresolved' && disagreeing.similar.map((org) => org.odsCode)).toContain('RZZ');
  });

  it('accepts a practice code with the trust name that practice carries', () => {
    expect(directory.resolve('Isleham Valley NHS Trust (V99003)')).toMatchObject({ kind: 'resolved', key: 'ods:V99003' });
  });

  it('accepts an ODS code next to a shortened form of its name', () => {
    expect(directory.resolve('Northshire Teaching (RZZ)')).toMatchObject({ key: 'ods:RZZ', matchedBy: 'ods-code' });
    expect(directory.resolve('NTHT (RZZ)')).toMatchObject({ key: 'ods:RZZ', matchedBy: 'ods-code' });
  });

  it('follows the code of a closed organisation to its successor', () => {
    expect(directory.resolve('RZW')).toMatchObject({ kind: 'resolved', key: 'ods:RZS', succeededFrom: { odsCode: 'RZW' } });
    expect(directory.resolve('Oldford Hospital NHS Trust (RZT)')).toMatchObject({ key: 'ods:RZS', matchedBy: 'ods-code', succeededFrom: { odsCode: 'RZT' } });
  });

  it('lets a split predecessor code and a successor name agree', () => {
    expect(directory.resolve('(RZR) Fenland North NHS FT')).toMatchObject({ kind: 'resolved', key: 'ods:RZQ' });
    expect(directory.resolve('RZR')).toMatchObject({ kind: 'ambiguous', reason: 'split-succession' });
  });

  it('does not let a code override a name that belongs to another organisation', () => {
    const resolution = directory.resolve('East Westshire NHS FT (RZX)');
    expect(resolution).toMatchObject({ kind: 'ambiguous', reason: 'identifier-conflict', disambiguateWith: ['ods-code'] });
    expect(candidateCodes(resolution)).toEqual(['RZX', 'RZY']);
  });

  it('does not let a code stand for a name with words the organisation does not have', () => {
    expect(directory.resolve('Northshire Hospice (RZZ)')).toMatchObject({ kind: 'ambiguous', reason: 'identifier-conflict' });
    expect(directory.resolve('Northshire Dental Practice (RZZ)')).toMatchObject({ kind: 'ambiguous', reason: 'identifier-conflict' });
    expect(directory.resolve('Northshire Teaching Hospital NHS Foundation Trust (RZZ)')).toMatchObject({ kind: 'resolved', key: 'ods:RZZ' });
  });

  it('treats an unknown code next to a known name as a contradiction', () => {
    expect(directory.resolve('Acorn Medical Centre (Y99999)')).toMatchObject({ kind: 'ambiguous', reason: 'identifier-conflict' });
    expect(directory.resolve('Brand New Practice (Y99999)')).toMatchObject({ kind: 'unresolved', key: 'name:brand-new-practice' });
  });

  it('asks which one when codes of different organisations are given', () => {
    expect(directory.resolve('RZZ / RZY')).toMatchObject({ kind: 'ambiguous', reason: 'several-identifiers' });
  });

  it('resolves a postcode alone only when one organisation is there', () => {
    expect(directory.resolve('ZZ3 4EF')).toMatchObject({ kind: 'resolved', key: 'ods:Y99004', matchedBy: 'postcode' });
    expect(directory.resolve('ZZ2 3CD')).toMatchObject({ kind: 'ambiguous', reason: 'same-postcode' });
    expect(directory.resolve('ZZ9 8XX').kind).toBe('unresolved');
  });

  it('does not accept a practice name with a postcode that is not its own', () => {
    expect(directory.resolve('Acorn Medical Centre, ZZ3 4EF')).toMatchObject({ kind: 'resolved', key: 'ods:Y99004' });
    expect(directory.resolve('Acorn Medical Centre, ZZ9 9ZZ')).toMatchObject({ kind: 'ambiguous', reason: 'identifier-conflict' });
  });

  it('ignores a trust headquarters postcode, as trusts have many sites', () => {
    expect(directory.resolve('Northshire Teaching Hospitals NHS Trust, ZZ9 9ZZ')).toMatchObject({ kind: 'resolved', key: 'ods:RZZ' });
  });

  it('resolves a merged practice by its old name and its old postcode', () => {
    expect(directory.resolve('Old Mill Surgery')).toMatchObject({ key: 'ods:Y99008', succeededFrom: { odsCode: 'Y99007' } });
    expect(directory.resolve('Old Mill Surgery, ZZ3 6JK')).toMatchObject({ key: 'ods:Y99008' });
  });
});

describe('OrganisationDirectory.resolve for unknown names', () => {
  it('keys an unknown organisation by its canonical name', () => {
    expect(directory.resolve('Sunnyside Hospice')).toEqual({ kind: 'unresolved', key: 'name:sunnyside-hospice', nameKey: 'name:sunnyside-hospice', similar: [], closedMatches: [] });
    expect(directory.resolve('  THE SUNNYSIDE   HOSPICE. ')).toMatchObject({ key: 'name:sunnyside-hospice' });
  });

  it('never throws and always answers with one of the three outcomes', () => {
    for (const text of ['', ' ', '()', '\u0000', 'RZ', '((RZZ))', 'The The The', 'NHS', 'NHS Trust', 'ICB', 'x'.repeat(5000)]) {
      expect(['resolved', 'ambiguous', 'unresolved']).toContain(directory.resolve(text).kind);
    }
  });

  it('does not resolve a legal suffix on its own', () => {
    expect(directory.resolve('NHS Foundation Trust').kind).toBe('unresolved');
    expect(directory.resolve('The NHS Trust').kind).toBe('unresolved');
  });
});

describe('OrganisationDirectory snapshots', () => {
  it('round-trips through JSON and resolves the same way', () => {
    const restored = OrganisationDirectory.fromJSON(JSON.parse(JSON.stringify(directory)));
    expect(restored.asOf).toBe('2026-05-01');
    expect(restored.size).toBe(directory.size);
    for (const name of ['The Surgery', 'Southvale Community Healthcare NHS Trust', 'CWCH NHS Trust', 'Sunnyside Hospice', 'RZR']) {
      expect(restored.resolve(name)).toEqual(directory.resolve(name));
    }
  });

  it('rejects a snapshot that is not one', () => {
    expect(() => OrganisationDirectory.fromJSON({})).toThrow();
    expect(() => OrganisationDirectory.fromJSON({ ...directory.toJSON(), version: 2 })).toThrow();
    expect(() =>
      OrganisationDirectory.fromJSON({ ...directory.toJSON(), records: [{ odsCode: 'R/1', name: 'X', kind: 'trust' }] }),
    ).toThrow();
    expect(() =>
      OrganisationDirectory.fromJSON({ ...directory.toJSON(), records: [{ odsCode: 'RZZ', name: 'X', kind: 'hospital' }] }),
    ).toThrow();
  });

  it('refuses two records with one code', () => {
    expect(() => OrganisationDirectory.build([trust('RZZ', 'A NHS TRUST'), trust('rzz', 'B NHS TRUST')], [])).toThrow(/RZZ/);
  });

  it('looks codes up whatever their case', () => {
    expect(directory.get('rzz')?.name).toBe('NORTHSHIRE TEACHING HOSPITALS NHS TRUST');
    expect(directory.get('RZW')?.closeDate).toBe('2023-03-31');
    expect(directory.get('R00')).toBeUndefined();
  });
});
