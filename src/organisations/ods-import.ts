/**
 * Reads NHS Organisation Data Service (ODS) CSV files into an organisation directory.
 *
 * ODS organisation files (etr, epraccur, egdpprac) and the successor file (succ) have no header
 * row; organisation files use the standard 27-column layout. ICB lookups are small tables with a
 * header. Text in, records out: reading files or downloading them is the caller's business.
 */
import { parse } from 'csv-parse/sync';
import { OrganisationDirectory } from '../domain/organisation-directory.js';
import type { DirectoryOptions } from '../domain/organisation-directory.js';
import type { OrganisationKind, OrganisationRecord, Succession } from '../domain/organisation-record.js';
import { canonicalOrganisationName, normalisePostcode } from '../domain/organisation-name.js';

export type OdsFileKind = 'etr' | 'epraccur' | 'egdpprac' | 'icb' | 'succ';

/** One row of an ODS organisation file (etr, epraccur, egdpprac). */
export interface OdsOrganisationRow {
  odsCode: string;
  name: string;
  /** Column 3: NHS England region (etr) or national grouping. */
  nationalGrouping?: string;
  /** Column 4: ICB code. */
  highLevelHealthGeography?: string;
  addressLines: string[];
  postcode?: string;
  openDate?: string;
  closeDate?: string;
  /** Column 13: ACTIVE/INACTIVE/DORMANT in epraccur, A/C in egdpprac. */
  statusCode?: string;
  /** Column 14. */
  subTypeCode?: string;
  /** Column 15: commissioner (epraccur) or parent ICB (egdpprac). */
  parentCode?: string;
  /** Column 26 split on `|`: primary role codes (RO76 is a GP practice), or a prescribing setting in older files. */
  roleCodes: string[];
}

export interface IcbRow {
  odsCode: string;
  name: string;
  region?: string;
}

export interface SuccessionRow extends Succession {
  /** Column 5, 0 or 1; its meaning is not documented in the sources the importer was built from. */
  flag?: string;
}

export class OdsImportError extends Error {
  constructor(
    readonly file: OdsFileKind,
    readonly recordNumber: number | undefined,
    reason: string,
  ) {
    super(`${file}${recordNumber === undefined ? '' : ` record ${recordNumber}`}: ${reason}`);
    this.name = 'OdsImportError';
  }
}

export function parseOdsFile(kind: 'etr' | 'epraccur' | 'egdpprac', csvText: string): OdsOrganisationRow[];
export function parseOdsFile(kind: 'icb', csvText: string): IcbRow[];
export function parseOdsFile(kind: 'succ', csvText: string): SuccessionRow[];
export function parseOdsFile(kind: OdsFileKind, csvText: string): OdsOrganisationRow[] | IcbRow[] | SuccessionRow[];
export function parseOdsFile(kind: OdsFileKind, csvText: string): OdsOrganisationRow[] | IcbRow[] | SuccessionRow[] {
  const rows = readCsv(kind, csvText);
  if (kind === 'icb') return parseIcbRows(rows);
  const body = rows.length > 0 && rows[0] !== undefined && !looksLikeCode(rows[0][0] ?? '') ? rows.slice(1) : rows;
  const offset = rows.length - body.length;
  if (kind === 'succ') return body.map((row, index) => parseSuccessionRow(row, index + 1 + offset));
  return body.map((row, index) => parseOrganisationRow(kind, row, index + 1 + offset));
}

export interface OdsFiles {
  /** NHS trusts. */
  etr?: string;
  /** GP practices (and other prescribing settings, which are skipped). */
  epraccur?: string;
  /** Dental practices. */
  egdpprac?: string;
  /** The ICBs in force, `code,name[,region]` with a header. */
  icb?: string;
  /** Earlier ICB lists; an ICB missing from `icb` closed on `closedOn` (YYYY-MM-DD). */
  formerIcbs?: { csvText: string; closedOn: string }[];
  /** Successions (mergers, renames with a new code, splits). */
  succ?: string;
  /** Names organisations used to have under the same code, e.g. from published statistics. */
  formerNames?: { odsCode: string; name: string }[];
}

export interface OdsRecords {
  records: OrganisationRecord[];
  successions: Succession[];
}

/**
 * Records and successions as the directory wants them. Closed practices are kept only when they
 * have a successor (their name then leads to it); closed trusts and ICBs are kept regardless, few
 * as they are, so that staff are told an old name belongs to an organisation that has closed.
 */
export function odsRecordsFromFiles(files: OdsFiles, options: DirectoryOptions = {}): OdsRecords {
  const asOf = (options.asOf ?? new Date()).toISOString().slice(0, 10);
  const successions: Succession[] = files.succ === undefined ? [] : parseOdsFile('succ', files.succ).map(({ predecessorCode, successorCode, effectiveDate }) => ({ predecessorCode, successorCode, effectiveDate }));
  const predecessors = new Set(successions.map((succession) => succession.predecessorCode));
  const records = new Map<string, OrganisationRecord>();
  const add = (record: OrganisationRecord): void => {
    if (!records.has(record.odsCode)) records.set(record.odsCode, record);
  };
  const isClosed = (row: OdsOrganisationRow): boolean => row.closeDate !== undefined && row.closeDate < asOf;

  if (files.etr !== undefined) {
    for (const row of parseOdsFile('etr', files.etr)) add(toRecord(row, 'trust'));
  }
  if (files.epraccur !== undefined) {
    for (const row of parseOdsFile('epraccur', files.epraccur)) {
      if (!isGpPractice(row)) continue;
      const inactive = row.statusCode === 'INACTIVE' || isClosed(row);
      if (!inactive) add(toRecord(row, 'gp-practice'));
      // Without a close date an inactive practice would look current to the directory.
      else if (predecessors.has(row.odsCode) && row.closeDate !== undefined) add(toRecord(row, 'gp-practice'));
    }
  }
  if (files.egdpprac !== undefined) {
    for (const row of parseOdsFile('egdpprac', files.egdpprac)) {
      if (!isClosed(row) || predecessors.has(row.odsCode)) add(toRecord(row, 'dental-practice'));
    }
  }
  addIcbs(files, records);
  addFormerNames(files.formerNames ?? [], records);
  return { records: [...records.values()], successions };
}

export function buildDirectoryFromOds(files: OdsFiles, options: DirectoryOptions = {}): OrganisationDirectory {
  const { records, successions } = odsRecordsFromFiles(files, options);
  return OrganisationDirectory.build(records, successions, options);
}

function addIcbs(files: OdsFiles, records: Map<string, OrganisationRecord>): void {
  const current = files.icb === undefined ? [] : parseOdsFile('icb', files.icb);
  const currentCodes = new Set(current.map((row) => row.odsCode));
  for (const row of current) if (!records.has(row.odsCode)) records.set(row.odsCode, { odsCode: row.odsCode, name: row.name, kind: 'icb' });
  for (const former of files.formerIcbs ?? []) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(former.closedOn)) throw new OdsImportError('icb', undefined, `closedOn must be YYYY-MM-DD, got "${former.closedOn}"`);
    for (const row of parseOdsFile('icb', former.csvText)) {
      const existing = records.get(row.odsCode);
      if (existing === undefined) {
        records.set(row.odsCode, {
          odsCode: row.odsCode,
          name: row.name,
          kind: 'icb',
          ...(currentCodes.has(row.odsCode) ? {} : { closeDate: former.closedOn }),
        });
      } else if (existing.kind === 'icb') {
        records.set(row.odsCode, withFormerName(existing, row.name));
      }
    }
  }
}

function addFormerNames(formerNames: readonly { odsCode: string; name: string }[], records: Map<string, OrganisationRecord>): void {
  for (const { odsCode, name } of formerNames) {
    const code = odsCode.trim().toUpperCase();
    const record = records.get(code);
    if (record !== undefined) records.set(code, withFormerName(record, name));
  }
}

function withFormerName(record: OrganisationRecord, name: string): OrganisationRecord {
  const canonical = canonicalOrganisationName(name);
  if (canonical === '' || canonical === canonicalOrganisationName(record.name)) return record;
  const formerNames = record.formerNames ?? [];
  if (formerNames.some((existing) => canonicalOrganisationName(existing) === canonical)) return record;
  return { ...record, formerNames: [...formerNames, name.trim()] };
}

function isGpPractice(row: OdsOrganisationRow): boolean {
  // Current files carry the primary role (RO76); older ones a prescribing setting, where 4 is a GP practice.
  return row.roleCodes.includes('RO76') || (row.roleCodes.length === 1 && row.roleCodes[0] === '4');
}

function toRecord(row: OdsOrganisationRow, kind: OrganisationKind): OrganisationRecord {
  return {
    odsCode: row.odsCode,
    name: row.name,
    kind,
    ...(row.postcode === undefined ? {} : { postcode: row.postcode }),
    ...(row.openDate === undefined ? {} : { openDate: row.openDate }),
    ...(row.closeDate === undefined ? {} : { closeDate: row.closeDate }),
  };
}

function readCsv(kind: OdsFileKind, csvText: string): string[][] {
  try {
    return parse(csvText, { bom: true, relax_column_count: true, skip_empty_lines: true });
  } catch (error: unknown) {
    throw new OdsImportError(kind, undefined, `not readable as CSV (${error instanceof Error ? error.message : String(error)})`);
  }
}

function looksLikeCode(value: string): boolean {
  return /^[A-Z0-9]{3,10}$/.test(value.trim());
}

const MIN_COLUMNS: Record<'etr' | 'epraccur' | 'egdpprac', number> = { etr: 12, epraccur: 13, egdpprac: 12 };

function parseOrganisationRow(kind: 'etr' | 'epraccur' | 'egdpprac', row: string[], recordNumber: number): OdsOrganisationRow {
  if (row.length < MIN_COLUMNS[kind]) {
    throw new OdsImportError(kind, recordNumber, `expected the 27-column ODS layout, found ${row.length} columns`);
  }
  const cell = (column: number): string | undefined => {
    const value = row[column - 1]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const odsCode = cell(1)?.toUpperCase();
  const name = cell(2);
  if (odsCode === undefined || !looksLikeCode(odsCode)) throw new OdsImportError(kind, recordNumber, `"${row[0] ?? ''}" is not an ODS code`);
  if (name === undefined) throw new OdsImportError(kind, recordNumber, `${odsCode} has no name`);
  const rawPostcode = cell(10);
  const postcode = rawPostcode === undefined ? undefined : normalisePostcode(rawPostcode) ?? rawPostcode.toUpperCase();
  const openDate = odsDate(kind, recordNumber, cell(11));
  const closeDate = odsDate(kind, recordNumber, cell(12));
  const statusCode = cell(13)?.toUpperCase();
  return {
    odsCode,
    name,
    ...optionalField('nationalGrouping', cell(3)),
    ...optionalField('highLevelHealthGeography', cell(4)),
    addressLines: [5, 6, 7, 8, 9].map(cell).filter((line): line is string => line !== undefined),
    ...optionalField('postcode', postcode),
    ...optionalField('openDate', openDate),
    ...optionalField('closeDate', closeDate),
    ...optionalField('statusCode', statusCode),
    ...optionalField('subTypeCode', cell(14)),
    ...optionalField('parentCode', cell(15)),
    roleCodes: (cell(26) ?? '').split('|').map((code) => code.trim().toUpperCase()).filter((code) => code !== ''),
  };
}

function optionalField<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, string>>);
}

function parseSuccessionRow(row: string[], recordNumber: number): SuccessionRow {
  if (row.length < 4) throw new OdsImportError('succ', recordNumber, `expected at least 4 columns, found ${row.length}`);
  const predecessorCode = row[0]?.trim().toUpperCase() ?? '';
  const successorCode = row[1]?.trim().toUpperCase() ?? '';
  if (!looksLikeCode(predecessorCode) || !looksLikeCode(successorCode)) {
    throw new OdsImportError('succ', recordNumber, `"${row[0] ?? ''}" → "${row[1] ?? ''}" are not ODS codes`);
  }
  const effectiveDate = odsDate('succ', recordNumber, row[3]?.trim());
  if (effectiveDate === undefined) throw new OdsImportError('succ', recordNumber, 'no effective date');
  const flag = row[4]?.trim();
  return { predecessorCode, successorCode, effectiveDate, ...(flag === undefined || flag === '' ? {} : { flag }) };
}

function parseIcbRows(rows: string[][]): IcbRow[] {
  const [first] = rows;
  if (first === undefined) return [];
  const hasHeader = !looksLikeCode(first[0] ?? '') && first[0]?.trim() !== '-';
  const header = hasHeader ? first.map((cell) => cell.trim().toLowerCase()) : [];
  const column = (pattern: RegExp, fallback: number): number => {
    const found = header.findIndex((cell) => pattern.test(cell));
    return found === -1 ? fallback : found;
  };
  const codeColumn = column(/code/, 0);
  const nameColumn = column(/name/, 1);
  const regionColumn = hasHeader ? header.findIndex((cell) => /region/.test(cell)) : 2;
  const result: IcbRow[] = [];
  for (const [index, row] of (hasHeader ? rows.slice(1) : rows).entries()) {
    const recordNumber = index + 1 + (hasHeader ? 1 : 0);
    const odsCode = row[codeColumn]?.trim().toUpperCase() ?? '';
    const name = row[nameColumn]?.trim() ?? '';
    // The published lookup carries a "-" / UNIDENTIFIED row for activity with no ICB.
    if (odsCode === '-' || name.toUpperCase() === 'UNIDENTIFIED') continue;
    if (!looksLikeCode(odsCode)) throw new OdsImportError('icb', recordNumber, `"${row[codeColumn] ?? ''}" is not an ODS code`);
    if (name === '') throw new OdsImportError('icb', recordNumber, `${odsCode} has no name`);
    const region = regionColumn === -1 ? undefined : row[regionColumn]?.trim();
    result.push({ odsCode, name, ...(region === undefined || region === '' ? {} : { region }) });
  }
  return result;
}

function odsDate(kind: OdsFileKind, recordNumber: number, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (match === null) throw new OdsImportError(kind, recordNumber, `"${value}" is not a YYYYMMDD date`);
  const [, year, month, day] = match;
  const iso = `${year ?? ''}-${month ?? ''}-${day ?? ''}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso) {
    throw new OdsImportError(kind, recordNumber, `"${value}" is not a calendar date`);
  }
  return iso;
}
