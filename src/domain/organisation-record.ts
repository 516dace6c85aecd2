/**
 * An organisation as NHS ODS reference data describes it, and the successions that link a closed
 * organisation to the ones that took it over. Codes are compared in upper case; postcodes in
 * their normal form.
 */
import { normalisePostcode } from './organisation-name.js';

export type OrganisationKind = 'trust' | 'icb' | 'gp-practice' | 'dental-practice';

export interface OrganisationRecord {
  odsCode: string;
  name: string;
  kind: OrganisationKind;
  postcode?: string;
  /** ISO date (YYYY-MM-DD). */
  openDate?: string;
  /** ISO date (YYYY-MM-DD): the last day the organisation existed, as ODS publishes it. */
  closeDate?: string;
  /** Names the organisation has been known by under the same code. */
  formerNames?: string[];
}

export interface Succession {
  predecessorCode: string;
  successorCode: string;
  /** ISO date (YYYY-MM-DD). */
  effectiveDate: string;
}

export function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

export function normaliseRecord(record: OrganisationRecord): OrganisationRecord {
  const postcode = record.postcode === undefined ? undefined : normalisePostcode(record.postcode) ?? record.postcode.trim().toUpperCase();
  const formerNames = record.formerNames?.filter((name) => name.trim() !== '' && name !== record.name);
  return {
    odsCode: normaliseCode(record.odsCode),
    name: record.name,
    kind: record.kind,
    ...(postcode === undefined || postcode === '' ? {} : { postcode }),
    ...(record.openDate === undefined ? {} : { openDate: record.openDate }),
    ...(record.closeDate === undefined ? {} : { closeDate: record.closeDate }),
    ...(formerNames === undefined || formerNames.length === 0 ? {} : { formerNames: [...new Set(formerNames)] }),
  };
}
