import type { Client } from '@microsoft/microsoft-graph-client';
import { PageIterator } from '@microsoft/microsoft-graph-client';
import type { ColumnDefinition, ListItem } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { neutraliseFormula, restoreFormula, SINGLE_LINE_TEXT_MAX_UNITS } from '../domain/stored-text.js';
import { logger } from '../logging.js';
import type { SiteContext } from './site-context.js';
import { isDuplicateValueError } from './graph-errors.js';
import { ensureListColumns } from './list-columns.js';
import type { ColumnReport } from './list-columns.js';
import { odata, withFilter } from './odata-filter.js';
import type { ODataFilter } from './odata-filter.js';

export const applicationStatuses = ['Open', 'In review', 'Information requested', 'Decided', 'Withdrawn', 'Expired'] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];
export const awardChoices = ['Gold', 'Silver', 'Bronze', 'Not awarded'] as const;
export const folderAccessChoices = ['Granted', 'Pending'] as const;

/**
 * The staff Applications list. Every column weqs filters on is indexed, so queries keep working
 * past SharePoint's 5,000-item list view threshold (https://learn.microsoft.com/troubleshoot/sharepoint/lists-and-libraries/items-exceeds-list-view-threshold).
 * https://learn.microsoft.com/graph/api/resources/columndefinition
 */
export const applicationsListColumns: ColumnDefinition[] = [
  { name: 'Reference', displayName: 'Reference', indexed: true, enforceUniqueValues: true, text: { maxLength: 32 } },
  { name: 'OrganisationKey', displayName: 'Organisation key', indexed: true, text: { maxLength: 255 } },
  { name: 'OdsCode', displayName: 'ODS code', text: { maxLength: 16 } },
  { name: 'Status', displayName: 'Status', indexed: true, choice: { choices: [...applicationStatuses], displayAs: 'dropDownMenu' } },
  { name: 'TargetCycle', displayName: 'Target cycle', indexed: true, text: { maxLength: 64 } },
  { name: 'RequesterName', displayName: 'Requester', text: { maxLength: 255 } },
  { name: 'RequesterEmail', displayName: 'Requester email', text: { maxLength: 255 } },
  { name: 'FolderLink', displayName: 'Evidence folder', text: { allowMultipleLines: true, textType: 'plain' } },
  { name: 'FormLink', displayName: 'Application form', text: { allowMultipleLines: true, textType: 'plain' } },
  { name: 'ReceivedOn', displayName: 'Received', indexed: true, dateTime: { displayAs: 'default', format: 'dateTime' } },
  { name: 'SourceMessageId', displayName: 'Source message id', text: { allowMultipleLines: true, textType: 'plain' } },
  { name: 'Award', displayName: 'Award', indexed: true, choice: { choices: [...awardChoices], displayAs: 'dropDownMenu' } },
  { name: 'DecisionNotes', displayName: 'Decision notes', text: { allowMultipleLines: true, textType: 'plain' } },
  { name: 'DecisionReady', displayName: 'Decision ready', indexed: true, boolean: {} },
  { name: 'DecisionSentOn', displayName: 'Decision sent', dateTime: { displayAs: 'default', format: 'dateTime' } },
  { name: 'AwardExpiresOn', displayName: 'Award expires', indexed: true, dateTime: { displayAs: 'default', format: 'dateOnly' } },
  { name: 'InformationRequest', displayName: 'Information requested', text: { allowMultipleLines: true, textType: 'plain' } },
  { name: 'InformationDueOn', displayName: 'Information due', dateTime: { displayAs: 'default', format: 'dateOnly' } },
  { name: 'RemindersOff', displayName: 'No reminders', boolean: {} },
  // Pending until the folder is shared with the applicant; the access job filters on it.
  { name: 'FolderAccess', displayName: 'Folder access', indexed: true, choice: { choices: [...folderAccessChoices], displayAs: 'dropDownMenu' } },
];

/** Adds the columns the list lacks and indexes those weqs filters on; safe to run again. Needs the site's owner or full-control grant. */
export async function ensureApplicationsListColumns(graph: Client, site: SiteContext, listName = 'Applications'): Promise<ColumnReport> {
  const report = await ensureListColumns(graph, site.siteId, site.listId, applicationsListColumns, listName);
  if (report.added.length > 0 || report.indexed.length > 0) logger().info(report, 'set up the Applications list columns');
  return report;
}

export interface ApplicationRow {
  Title: string;
  Reference: string;
  OrganisationKey: string;
  OdsCode?: string;
  Status: ApplicationStatus;
  TargetCycle?: string;
  RequesterName?: string;
  RequesterEmail: string;
  FolderLink: string;
  FormLink: string;
  ReceivedOn: string;
  SourceMessageId: string;
  FolderAccess?: (typeof folderAccessChoices)[number];
}

const singleLineText = (max = SINGLE_LINE_TEXT_MAX_UNITS) =>
  z.string().refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters').refine((value) => neutraliseFormula(value).length <= max, `must be at most ${max} UTF-16 code units`);
const multiLineText = z.string().max(63_999);

/**
 * A new row as weqs writes it, checked against the columns' limits (counted in UTF-16 code units,
 * as SharePoint counts them) before anything is created for the application, so a value the list
 * would refuse can never leave a folder shared and no row.
 */
export const applicationRowSchema = z.strictObject({
  Title: singleLineText().min(1),
  Reference: singleLineText(32).min(1),
  OrganisationKey: singleLineText().min(1),
  OdsCode: singleLineText(16).exactOptional(),
  Status: z.enum(applicationStatuses),
  TargetCycle: singleLineText(64).exactOptional(),
  RequesterName: singleLineText().exactOptional(),
  RequesterEmail: singleLineText().min(3),
  FolderLink: multiLineText,
  FormLink: multiLineText,
  ReceivedOn: z.iso.datetime({ offset: true }),
  SourceMessageId: multiLineText,
  FolderAccess: z.enum(folderAccessChoices).exactOptional(),
});

/** Text fields staff can export to Excel: stored so that none starts a formula. */
// Not TargetCycle: it holds a cycle id from staff's own calendar, and the review jobs filter on it exactly.
const exportedTextFields = ['Title', 'OrganisationKey', 'OdsCode', 'RequesterName', 'RequesterEmail', 'SourceMessageId'] as const;

export function storedRow(row: ApplicationRow): ApplicationRow {
  const stored: ApplicationRow = { ...row };
  for (const field of exportedTextFields) {
    const value = stored[field];
    if (value !== undefined) stored[field] = neutraliseFormula(value);
  }
  return stored;
}

const text = z.string().nullish().transform((value) => restoreFormula((value ?? '').trim()) || undefined);
const restored = z.string().transform(restoreFormula);
const flag = z.boolean().nullish().transform((value) => value === true);

/** A row of the Applications list as weqs reads it: staff edit these, so every read is validated. */
export const applicationFieldsSchema = z.looseObject({
  Title: restored,
  Reference: z.string().min(1),
  OrganisationKey: z.string().min(1),
  OdsCode: text,
  Status: z.enum(applicationStatuses),
  TargetCycle: text,
  RequesterName: text,
  RequesterEmail: z.string().min(3).transform(restoreFormula),
  FolderLink: text,
  FormLink: text,
  ReceivedOn: text,
  SourceMessageId: text,
  Award: z.enum(awardChoices).nullish().transform((value) => value ?? undefined),
  DecisionNotes: text,
  DecisionReady: flag,
  DecisionSentOn: text,
  AwardExpiresOn: text,
  InformationRequest: text,
  InformationDueOn: text,
  RemindersOff: flag,
  FolderAccess: z.enum(folderAccessChoices).nullish().transform((value) => value ?? undefined),
});

export type ApplicationFields = z.infer<typeof applicationFieldsSchema>;

export interface ApplicationItem {
  id: string;
  etag: string;
  webUrl: string;
  fields: ApplicationFields;
}

export class ApplicationsList {
  constructor(
    private readonly graph: Client,
    private readonly site: () => Promise<SiteContext>,
  ) {}

  async findByReference(reference: string): Promise<ListItem | undefined> {
    const { siteId, listId } = await this.site();
    const page = (await withFilter(this.graph.api(`/sites/${siteId}/lists/${listId}/items`), odata`fields/Reference eq ${reference}`)
      .expand('fields')
      .top(2)
      .get()) as { value: ListItem[] };
    return page.value[0];
  }

  /**
   * Rows matching a filter on indexed columns. Rows staff have broken (an unknown status, no
   * reference) are skipped and logged rather than stopping the whole job.
   */
  async query(filter: ODataFilter): Promise<ApplicationItem[]> {
    const { siteId, listId } = await this.site();
    const first = (await withFilter(this.graph.api(`/sites/${siteId}/lists/${listId}/items`), filter).expand('fields').top(200).get()) as { value: ListItem[] };
    const items: ApplicationItem[] = [];
    const iterator = new PageIterator(this.graph, first, (item: ListItem) => {
      const parsed = applicationFieldsSchema.safeParse(item.fields);
      if (parsed.success) items.push({ id: item.id ?? '', etag: item.eTag ?? '', webUrl: item.webUrl ?? '', fields: parsed.data });
      else logger().warn({ listItemId: item.id, problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) }, 'skipped an Applications list row that does not validate');
      return true;
    });
    await iterator.iterate();
    return items;
  }

  /** Updates a row; with an eTag, only if staff have not changed it since it was read (412 otherwise). */
  async update(itemId: string, fields: Partial<Record<keyof ApplicationFields, string | boolean | null>>, etag?: string): Promise<void> {
    const { siteId, listId } = await this.site();
    const request = this.graph.api(`/sites/${siteId}/lists/${listId}/items/${itemId}/fields`);
    if (etag) request.header('If-Match', etag);
    await request.patch(fields);
  }

  /**
   * Creates the row once: a retry finds the row it created before. The reference is looked up
   * first, because what Graph answers to a repeated unique value is not documented (400, 409 and
   * 500 have all been reported); an answer that reports a duplicate is then read as "already there".
   */
  async createOnce(row: ApplicationRow): Promise<{ id: string; webUrl: string }> {
    const { siteId, listId } = await this.site();
    const before = await this.findByReference(row.Reference);
    if (before) return { id: before.id ?? '', webUrl: before.webUrl ?? '' };
    try {
      const item = (await this.graph.api(`/sites/${siteId}/lists/${listId}/items`).post({ fields: storedRow(applicationRowSchema.parse(row)) })) as ListItem;
      return { id: item.id ?? '', webUrl: item.webUrl ?? '' };
    } catch (error) {
      if (!isDuplicateValueError(error)) throw error;
      const existing = await this.findByReference(row.Reference);
      if (!existing) throw error;
      return { id: existing.id ?? '', webUrl: existing.webUrl ?? '' };
    }
  }
}
