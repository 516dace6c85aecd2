import type { Client } from '@microsoft/microsoft-graph-client';
import { PageIterator } from '@microsoft/microsoft-graph-client';
import type { ColumnDefinition, List, ListItem } from '@microsoft/microsoft-graph-types';
import { logger } from '../logging.js';
import { ensureListColumns } from './list-columns.js';
import type { ColumnReport } from './list-columns.js';

/**
 * The review calendar as staff keep it: a SharePoint list, one row per cycle. Dates are date-only
 * columns; weqs reads them as UK calendar dates. Changing a row needs no deployment.
 */
export const calendarListColumns: ColumnDefinition[] = [
  { name: 'CycleId', displayName: 'Cycle ID', indexed: true, enforceUniqueValues: true, text: { maxLength: 64 } },
  { name: 'SubmissionDeadline', displayName: 'Submission deadline', dateTime: { displayAs: 'standard', format: 'dateOnly' } },
  { name: 'ReviewStart', displayName: 'Review start', dateTime: { displayAs: 'standard', format: 'dateOnly' } },
  { name: 'ReviewEnd', displayName: 'Review end', dateTime: { displayAs: 'standard', format: 'dateOnly' } },
  { name: 'DecisionsOpen', displayName: 'Decisions open', dateTime: { displayAs: 'standard', format: 'dateOnly' } },
  { name: 'DecisionsClose', displayName: 'Decisions close', dateTime: { displayAs: 'standard', format: 'dateOnly' } },
  { name: 'ExtendedFrom', displayName: 'Deadline moved from', dateTime: { displayAs: 'standard', format: 'dateOnly' } },
  { name: 'Status', displayName: 'Status', choice: { choices: ['published', 'draft', 'cancelled'], displayAs: 'dropDownMenu' } },
  { name: 'Notes', displayName: 'Notes', text: { allowMultipleLines: true, textType: 'plain' } },
];

const dateColumns = ['SubmissionDeadline', 'ReviewStart', 'ReviewEnd', 'DecisionsOpen', 'DecisionsClose', 'ExtendedFrom'];

/**
 * Creates the list, or adds the columns it lacks; either way the columns are read back, added
 * where the create request left them out and indexed where weqs filters on them. Safe to run again.
 */
export async function ensureReviewCalendarList(graph: Client, siteId: string, listName: string): Promise<{ listId: string; created: boolean } & ColumnReport> {
  const lists = (await graph.api(`/sites/${siteId}/lists`).select(['id', 'displayName']).get()) as { value: List[] };
  const existing = lists.value.find((list) => list.displayName === listName);
  let listId = existing?.id;
  if (!listId) {
    const created = (await graph.api(`/sites/${siteId}/lists`).post({ displayName: listName, columns: calendarListColumns, list: { template: 'genericList' } })) as List;
    logger().info({ list: listName }, 'created the review calendar list');
    listId = created.id ?? '';
  }
  const report = await ensureListColumns(graph, siteId, listId, calendarListColumns, listName);
  return { listId, created: !existing?.id, ...report };
}

export class ReviewCalendarList {
  private listId: Promise<string> | undefined;
  private listUrl = '';

  constructor(
    private readonly graph: Client,
    private readonly siteId: () => Promise<string>,
    private readonly listName: string,
  ) {}

  private async ids(): Promise<{ siteId: string; listId: string }> {
    const siteId = await this.siteId();
    this.listId ??= (async () => {
      const lists = (await this.graph.api(`/sites/${siteId}/lists`).select(['id', 'displayName', 'webUrl']).get()) as { value: List[] };
      const list = lists.value.find((candidate) => candidate.displayName === this.listName);
      if (!list?.id) throw new Error(`The site has no list named '${this.listName}' (WEQS_CALENDAR_LIST); run npm run weqs -- setup.`);
      this.listUrl = list.webUrl ?? '';
      return list.id;
    })().catch((error: unknown) => {
      this.listId = undefined;
      throw error;
    });
    return { siteId, listId: await this.listId };
  }

  async webUrl(): Promise<string> {
    await this.ids();
    return this.listUrl;
  }

  /** The rows as staff left them; validation is the review calendar's job. */
  async rows(): Promise<Record<string, unknown>[]> {
    const { siteId, listId } = await this.ids();
    const first = (await this.graph.api(`/sites/${siteId}/lists/${listId}/items`).expand('fields').top(200).get()) as { value: ListItem[] };
    const rows: Record<string, unknown>[] = [];
    await new PageIterator(this.graph, first, (item: ListItem) => {
      rows.push({ ...(item.fields as Record<string, unknown>) });
      return true;
    }).iterate();
    return rows;
  }

  /** Adds the cycles the list does not have yet (by cycle id); used to seed a tenant from a file. */
  async importCycles(cycles: readonly Record<string, unknown>[]): Promise<number> {
    const { siteId, listId } = await this.ids();
    const present = new Set((await this.rows()).map((row) => String(row.CycleId ?? '').toLowerCase()));
    let added = 0;
    for (const cycle of cycles) {
      const id = String(cycle.id ?? '');
      if (!id || present.has(id.toLowerCase())) continue;
      const fields: Record<string, unknown> = { Title: cycle.name ?? id, CycleId: id, Status: cycle.status ?? 'published' };
      if (typeof cycle.notes === 'string') fields.Notes = cycle.notes;
      for (const column of dateColumns) {
        const key = column.charAt(0).toLowerCase() + column.slice(1);
        // Midday UTC falls on the same calendar day in UK time all year round.
        if (typeof cycle[key] === 'string') fields[column] = `${String(cycle[key])}T12:00:00Z`;
      }
      await this.graph.api(`/sites/${siteId}/lists/${listId}/items`).post({ fields });
      added += 1;
    }
    return added;
  }
}
