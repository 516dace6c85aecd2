import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildDirectoryFromOds, OdsImportError, odsRecordsFromFiles, parseOdsFile } from '../../../src/organisations/ods-import.js';
import { describeFullOds, fullNhsReferenceData } from '../../support/nhs-reference.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SAMPLE = resolve(HERE, '../../../config/organisation-directory.sample');
const REAL = fullNhsReferenceData;
const sample = (file: string): string => readFileSync(resolve(SAMPLE, file), 'utf8');
const real = (file: string): string => readFileSync(resolve(REAL, file), 'utf8');
const AS_OF = new Date('2026-05-01T00:00:00Z');

/** A 27-column ODS row; `cells` maps 1-based column numbers to values. */
function odsRow(cells: Record<number, string>): string {
  return Array.from({ length: 27 }, (_, index) => `"${cells[index + 1] ?? ''}"`).join(',');
}
const gpRow = (code: string, name: string, postcode: string, status: string, closeDate = '', role = 'RO76'): string =>
  odsRow({ 1: code, 2: name, 10: postcode, 11: '19740401', 12: closeDate, 13: status, 26: role });

describe('parseOdsFile', () => {
  it('reads the headerless 27-column etr layout', () => {
    const [first] = parseOdsFile('etr', sample('etr.csv'));
    expect(first).toEqual({
      odsCode: 'RZZ',
      name: 'NORTHSHIRE HOSPITALS NHS FOUNDATION TRUST',
      nationalGrouping: 'Y0Z',
      highLevelHealthGeography: 'X9X9X',
      addressLines: ['NORTHSHIRE GENERAL HOSPITAL', 'INFIRMARY ROAD', 'NORTHTOWN'],
      postcode: 'ZZ1 1AA',
      openDate: '2001-04-01',
      roleCodes: [],
    });
  });

  it('reads status, sub-type, parent and role codes from epraccur and egdpprac', () => {
    const practices = parseOdsFile('epraccur', sample('epraccur.csv'));
    expect(practices[0]).toMatchObject({ odsCode: 'Y99001', statusCode: 'ACTIVE', subTypeCode: 'B', parentCode: '99Z', roleCodes: ['RO76'] });
    expect(practices.find((row) => row.odsCode === 'Y99005')).toMatchObject({ statusCode: 'INACTIVE', closeDate: '2024-03-31' });
    expect(parseOdsFile('epraccur', gpRow('Y99100', 'A SURGERY', 'ZZ1 1AA', 'ACTIVE', '', 'RO76|RO268'))[0]?.roleCodes).toEqual(['RO76', 'RO268']);
    expect(parseOdsFile('egdpprac', sample('egdpprac.csv'))[2]).toMatchObject({ odsCode: 'V99003', statusCode: 'A', subTypeCode: 'P' });
  });

  it('normalises postcodes and keeps ones it cannot read as they are', () => {
    const [row] = parseOdsFile('etr', odsRow({ 1: 'RZZ', 2: 'X NHS TRUST', 10: 'zz11aa' }));
    expect(row?.postcode).toBe('ZZ1 1AA');
    expect(parseOdsFile('etr', odsRow({ 1: 'RZZ', 2: 'X NHS TRUST', 10: 'BFPO 99' }))[0]?.postcode).toBe('BFPO 99');
  });

  it('reads ICB lookups by their header, and skips the UNIDENTIFIED row', () => {
    expect(parseOdsFile('icb', sample('icb.csv'))).toEqual([
      { odsCode: 'X9X9X', name: 'NHS NORTHSHIRE AND RIVERVALE INTEGRATED CARE BOARD', region: 'North Fictional' },
      { odsCode: 'X9X9Y', name: 'NHS WESTSHIRE INTEGRATED CARE BOARD', region: 'North Fictional' },
    ]);
    expect(parseOdsFile('icb', 'name,code\n"NHS A ICB",X9X9X\nUNIDENTIFIED,-\n')).toEqual([{ odsCode: 'X9X9X', name: 'NHS A ICB' }]);
    expect(parseOdsFile('icb', 'X9X9X,NHS A ICB\n')).toEqual([{ odsCode: 'X9X9X', name: 'NHS A ICB' }]);
  });

  it('reads successions with ISO dates', () => {
    expect(parseOdsFile('succ', sample('succ.csv'))).toEqual([
      { predecessorCode: 'RZW', successorCode: 'RZS', effectiveDate: '2023-04-01', flag: '0' },
      { predecessorCode: 'RZT', successorCode: 'RZS', effectiveDate: '2023-04-01', flag: '0' },
    ]);
  });

  it('tolerates a byte-order mark, a header row and blank lines', () => {
    const text = `\uFEFFOrganisation Code,Name\r\n\r\n${odsRow({ 1: 'RZZ', 2: 'A NHS TRUST' })}\r\n`;
    expect(parseOdsFile('etr', text).map((row) => row.odsCode)).toEqual(['RZZ']);
    expect(parseOdsFile('etr', '')).toEqual([]);
  });

  it.each([
    ['a row too short for the layout', 'etr', '"RZZ","A NHS TRUST"', /record 1: expected the 27-column ODS layout/],
    ['a row without a name', 'etr', odsRow({ 1: 'RZZ' }), /record 1: RZZ has no name/],
    ['an impossible date', 'etr', odsRow({ 1: 'RZZ', 2: 'A NHS TRUST', 11: '20230230' }), /"20230230" is not a calendar date/],
    ['a date in another format', 'epraccur', gpRow('Y99001', 'A', 'ZZ1 1AA', 'ACTIVE', '31/03/2024'), /not a YYYYMMDD date/],
    ['broken quoting', 'etr', '"RZZ,"A NHS TRUST', /not readable as CSV/],
    ['a succession without a date', 'succ', '"RZW","RZS","",""', /record 1: no effective date/],
    ['a succession that is not codes', 'succ', '"RZW","RZS","","20230401"\n"r z","RZS","","20230401"', /record 2: .* are not ODS codes/],
    ['an ICB row without a code', 'icb', 'icb_code,icb_name\n,NHS A ICB', /icb record 2/],
  ] as const)('refuses %s, saying where', (_label, kind, text, message) => {
    expect(() => parseOdsFile(kind, text)).toThrow(OdsImportError);
    expect(() => parseOdsFile(kind, text)).toThrow(message);
  });
});

describe('buildDirectoryFromOds with the fictional sample', () => {
  const files = {
    etr: sample('etr.csv'),
    epraccur: sample('epraccur.csv'),
    egdpprac: sample('egdpprac.csv'),
    icb: sample('icb.csv'),
    succ: sample('succ.csv'),
  };
  const directory = buildDirectoryFromOds(files, { asOf: AS_OF });

  it('builds a directory the demo can resolve against', () => {
    expect(directory.resolve('Northshire Hospitals NHS FT')).toMatchObject({ kind: 'resolved', key: 'ods:RZZ' });
    expect(directory.resolve('NHS Westshire ICB')).toMatchObject({ kind: 'resolved', key: 'ods:X9X9Y' });
    expect(directory.resolve('Smilewell Dental Practice')).toMatchObject({ kind: 'resolved', key: 'ods:V99003' });
  });

  it('asks which "The Surgery" it is and resolves it with a postcode', () => {
    expect(directory.resolve('The Surgery')).toMatchObject({ kind: 'ambiguous', candidateCount: 2, disambiguateWith: ['ods-code', 'postcode'] });
    expect(directory.resolve('The Surgery, ZZ2 3CD')).toMatchObject({ kind: 'resolved', key: 'ods:Y99002', matchedBy: 'postcode' });
    expect(directory.resolve('Dental Surgery')).toMatchObject({ kind: 'ambiguous', candidateCount: 2 });
  });

  it('follows the merger to the successor trust', () => {
    expect(directory.resolve('Southvale Community Healthcare NHS Trust')).toMatchObject({ key: 'ods:RZS', succeededFrom: { odsCode: 'RZW' } });
    expect(directory.resolve('Oldford Hospital NHS Trust')).toMatchObject({ key: 'ods:RZS', succeededFrom: { odsCode: 'RZT' } });
  });

  it('keeps East Westshire and North East Westshire apart', () => {
    expect(directory.resolve('East Westshire NHS FT')).toMatchObject({ key: 'ods:RZY' });
    expect(directory.resolve('North East Westshire NHS Foundation Trust')).toMatchObject({ key: 'ods:RZX' });
  });

  it('leaves out inactive GP practices and prescribing settings that are not GP practices', () => {
    const codes = odsRecordsFromFiles(files, { asOf: AS_OF }).records.map((record) => record.odsCode);
    expect(codes).not.toContain('Y99005');
    expect(codes).not.toContain('Y99006');
    expect(directory.resolve('Old Mill Surgery').kind).toBe('unresolved');
  });
});

describe('buildDirectoryFromOds', () => {
  it('keeps a closed practice only as the predecessor of another', () => {
    const epraccur = [
      gpRow('Y99001', 'OLD MILL SURGERY', 'ZZ3 6JK', 'INACTIVE', '20240331'),
      gpRow('Y99002', 'MILLSTREAM SURGERY', 'ZZ3 6JK', 'ACTIVE'),
      gpRow('Y99003', 'GONE SURGERY', 'ZZ3 7AA', 'INACTIVE', '20200331'),
      gpRow('Y99004', 'NO DATE SURGERY', 'ZZ3 8AA', 'INACTIVE'),
    ].join('\n');
    const succ = '"Y99001","Y99002","","20240401","0"\n"Y99004","Y99002","","20240401","0"';
    const { records } = odsRecordsFromFiles({ epraccur, succ }, { asOf: AS_OF });
    expect(records.map((record) => record.odsCode)).toEqual(['Y99001', 'Y99002']);
    const directory = buildDirectoryFromOds({ epraccur, succ }, { asOf: AS_OF });
    expect(directory.resolve('Old Mill Surgery')).toMatchObject({ key: 'ods:Y99002', succeededFrom: { odsCode: 'Y99001' } });
  });

  it('reads older epraccur files where column 26 is the prescribing setting', () => {
    const epraccur = [gpRow('Y99001', 'OLD STYLE SURGERY', 'ZZ1 1AA', 'ACTIVE', '', '4'), gpRow('Y99002', 'OUT OF HOURS', 'ZZ1 1AA', 'ACTIVE', '', '8')].join('\n');
    expect(odsRecordsFromFiles({ epraccur }).records.map((record) => record.odsCode)).toEqual(['Y99001']);
  });

  it('keeps dental practices and trusts that close after the as-of date', () => {
    const egdpprac = odsRow({ 1: 'V99001', 2: 'CLOSING DENTAL', 10: 'ZZ1 1AA', 11: '20060401', 12: '20261231', 13: 'A' });
    const closed = odsRow({ 1: 'V99002', 2: 'CLOSED DENTAL', 10: 'ZZ1 1AB', 11: '20060401', 12: '20200101', 13: 'C' });
    expect(odsRecordsFromFiles({ egdpprac: `${egdpprac}\n${closed}` }, { asOf: AS_OF }).records.map((record) => record.odsCode)).toEqual(['V99001']);
  });

  it('closes ICBs missing from the current list and remembers renamed ones', () => {
    const current = 'icb_code,icb_name\nX9X9X,NHS NORTHSHIRE AND RIVERVALE INTEGRATED CARE BOARD\n';
    const former = 'icb_code,icb_name\nX9X9X,NHS NORTHSHIRE INTEGRATED CARE BOARD\nX9X9Z,NHS DALES INTEGRATED CARE BOARD\n';
    const directory = buildDirectoryFromOds({ icb: current, formerIcbs: [{ csvText: former, closedOn: '2026-03-31' }] }, { asOf: AS_OF });
    expect(directory.get('X9X9X')).toMatchObject({ formerNames: ['NHS NORTHSHIRE INTEGRATED CARE BOARD'] });
    expect(directory.resolve('NHS Northshire ICB')).toMatchObject({ key: 'ods:X9X9X', matchedBy: 'former-name' });
    expect(directory.resolve('NHS Dales ICB')).toMatchObject({ kind: 'unresolved', closedMatches: [{ odsCode: 'X9X9Z', closeDate: '2026-03-31' }] });
    expect(() => buildDirectoryFromOds({ formerIcbs: [{ csvText: former, closedOn: '31/03/2026' }] })).toThrow(OdsImportError);
  });

  it('adds former names to the organisations they belong to, once each', () => {
    const { records } = odsRecordsFromFiles(
      {
        etr: sample('etr.csv'),
        formerNames: [
          { odsCode: 'rzz', name: 'Northshire General Hospital NHS Trust' },
          { odsCode: 'RZZ', name: 'NORTHSHIRE GENERAL HOSPITAL NHS TRUST' },
          { odsCode: 'RZZ', name: 'Northshire Hospitals NHS Foundation Trust' },
          { odsCode: 'R00', name: 'Nobody NHS Trust' },
        ],
      },
      { asOf: AS_OF },
    );
    expect(records.find((record) => record.odsCode === 'RZZ')?.formerNames).toEqual(['Northshire General Hospital NHS Trust']);
  });
});

describeFullOds('parseOdsFile on the published NHS files', () => {
  it('reads every row of the real files', () => {
    const trusts = parseOdsFile('etr', real('etr.csv'));
    expect(trusts).toHaveLength(274);
    expect(trusts.filter((row) => row.closeDate === undefined)).toHaveLength(202);
    expect(trusts.find((row) => row.odsCode === 'RCX')?.name).toBe("THE QUEEN ELIZABETH HOSPITAL, KING'S LYNN, NHS FOUNDATION TRUST");
    const practices = parseOdsFile('epraccur', real('epraccur_active_gp_practices.csv'));
    expect(practices).toHaveLength(6_604);
    expect(practices.every((row) => row.roleCodes.includes('RO76') && row.statusCode === 'ACTIVE')).toBe(true);
    expect(parseOdsFile('egdpprac', real('egdpprac_open_dental_practices.csv'))).toHaveLength(9_544);
    expect(parseOdsFile('icb', real('icbs_2022_42_icb_lookup.csv'))).toHaveLength(42);
    expect(parseOdsFile('icb', real('icbs_2026_36_from_rtt_april2026.csv'))).toHaveLength(36);
    const successions = parseOdsFile('succ', real('succ_trust_rows.csv'));
    expect(successions).toHaveLength(445);
    expect(successions.every((row) => /^\d{4}-\d{2}-\d{2}$/.test(row.effectiveDate))).toBe(true);
  });
});
