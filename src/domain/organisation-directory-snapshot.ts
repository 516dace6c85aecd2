/**
 * The organisation directory as stored (a blob written by `weqs directory import`): its records
 * and successions as of one day, validated with zod when read back.
 */
import { z } from 'zod';
import type { OrganisationRecord, Succession } from './organisation-record.js';

const SNAPSHOT_FORMAT = 'weqs.organisation-directory';

export interface DirectorySnapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: 1;
  asOf: string;
  records: OrganisationRecord[];
  successions: Succession[];
}

const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const codeSchema = z.string().trim().min(1).max(16).regex(/^[A-Za-z0-9]+$/);
const recordSchema = z.strictObject({
  odsCode: codeSchema,
  name: z.string().min(1).max(500),
  kind: z.enum(['trust', 'icb', 'gp-practice', 'dental-practice']),
  postcode: z.string().max(16).exactOptional(),
  openDate: isoDateSchema.exactOptional(),
  closeDate: isoDateSchema.exactOptional(),
  formerNames: z.array(z.string().min(1).max(500)).exactOptional(),
});
const snapshotSchema = z.strictObject({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(1),
  asOf: isoDateSchema,
  records: z.array(recordSchema),
  successions: z.array(z.strictObject({ predecessorCode: codeSchema, successorCode: codeSchema, effectiveDate: isoDateSchema })),
});

export function directorySnapshot(asOf: string, records: OrganisationRecord[], successions: Succession[]): DirectorySnapshot {
  return { format: SNAPSHOT_FORMAT, version: 1, asOf, records, successions };
}

/** Throws when `json` is not a snapshot this version wrote. */
export function parseDirectorySnapshot(json: unknown): DirectorySnapshot {
  return snapshotSchema.parse(json);
}
