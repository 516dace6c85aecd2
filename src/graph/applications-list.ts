import type { Client } from '@microsoft/microsoft-graph-client';
import type { ColumnDefinition, ListItem } from '@microsoft/microsoft-graph-types';
import { logger } from '../logging.js';
import type { SiteContext } from './site-context.js';
import { isGraphError } from './graph-errors.js';

export const applicationStatuses = ['Open', 'In review', 'Information requested', 'Decided', 'Withdrawn', 'Expired'] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];
export const awardChoices = ['Gold', 'Silver', 'Bronze', 'Not awarded'] as const;

/**
 * The staff Applications list. Every column weqs filters on is indexed, so queries keep working
 * past SharePoint's 5,000-item list view threshold (facts file §6.2).
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
];

/** Adds the columns the list lacks; safe to run again. Needs the site's owner or full-control grant. */
export async function ensureApplicationsListColumns(graph: Client, site: SiteContext): Promise<string[]> {
  const existing = (await graph.api(`/sites/${site.siteId}/lists/${site.listId}/columns`).select(['name']).get()) as { value: ColumnDefinition[] };
  const names = new Set(existing.value.map((column) => column.name));
  const missing = applicationsListColumns.filter((column) => !names.has(column.name ?? ''));
  for (const column of missing) await graph.api(`/sites/${site.siteId}/lists/${site.listId}/columns`).post(column);
  if (missing.length > 0) logger().info({ added: missing.map((column) => column.name) }, 'added columns to the Applications list');
  return missing.map((column) => column.name ?? '');
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
}

/** OData string literals double their single quotes; nothing from an email reaches a filter unescaped. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export class ApplicationsList {
  constructor(
    private readonly graph: Client,
    private readonly site: () => Promise<SiteContext>,
  ) {}

  async findByReference(reference: string): Promise<ListItem | undefined> {
    const { siteId, listId } = await this.site();
    const page = (await this.graph
      .api(`/sites/${siteId}/lists/${listId}/items`)
      .filter(`fields/Reference eq ${odataString(reference)}`)
      .expand('fields')
      .top(2)
      .get()) as { value: ListItem[] };
    return page.value[0];
  }

  /** Creates the row once: Reference is unique, so a retry finds the row it created before. */
  async createOnce(row: ApplicationRow): Promise<{ id: string; webUrl: string }> {
    const { siteId, listId } = await this.site();
    try {
      const item = (await this.graph.api(`/sites/${siteId}/lists/${listId}/items`).post({ fields: row })) as ListItem;
      return { id: item.id ?? '', webUrl: item.webUrl ?? '' };
    } catch (error) {
      if (!isGraphError(error, 409)) throw error;
      const existing = await this.findByReference(row.Reference);
      if (!existing) throw error;
      return { id: existing.id ?? '', webUrl: existing.webUrl ?? '' };
    }
  }
}
