import type { Client } from '@microsoft/microsoft-graph-client';
import type { ColumnDefinition } from '@microsoft/microsoft-graph-types';

/** What setting up a list's columns changed. */
export interface ColumnReport {
  added: string[];
  indexed: string[];
}

async function readColumns(graph: Client, siteId: string, listId: string): Promise<ColumnDefinition[]> {
  return ((await graph.api(`/sites/${siteId}/lists/${listId}/columns`).select(['id', 'name', 'indexed']).get()) as { value: ColumnDefinition[] }).value;
}

/**
 * Makes a list hold the columns weqs needs, indexed where weqs filters on them, and checks the
 * result by reading the columns back: columns sent with a list's create request are not
 * guaranteed to be there, and a column that already existed may lack its index (queries on it
 * then fail past SharePoint's 5,000-item list view threshold). Safe to run again.
 * https://learn.microsoft.com/graph/api/list-post-columns
 * https://learn.microsoft.com/graph/api/columndefinition-update
 * https://learn.microsoft.com/microsoft-365/community/large-lists-large-libraries-in-sharepoint
 */
export async function ensureListColumns(graph: Client, siteId: string, listId: string, wanted: readonly ColumnDefinition[], listName: string): Promise<ColumnReport> {
  const report: ColumnReport = { added: [], indexed: [] };
  const byName = new Map((await readColumns(graph, siteId, listId)).map((column) => [column.name ?? '', column]));
  for (const column of wanted) {
    const name = column.name ?? '';
    const existing = byName.get(name);
    if (!existing) {
      await graph.api(`/sites/${siteId}/lists/${listId}/columns`).post(column);
      report.added.push(name);
    } else if (column.indexed === true && existing.indexed !== true) {
      await graph.api(`/sites/${siteId}/lists/${listId}/columns/${existing.id ?? ''}`).patch({ indexed: true });
      report.indexed.push(name);
    }
  }
  const after = new Map((await readColumns(graph, siteId, listId)).map((column) => [column.name ?? '', column]));
  const missing = wanted.filter((column) => !after.has(column.name ?? '')).map((column) => column.name);
  const unindexed = wanted.filter((column) => column.indexed === true && after.get(column.name ?? '')?.indexed !== true).map((column) => column.name);
  if (missing.length > 0 || unindexed.length > 0) {
    throw new Error(
      `The '${listName}' list is still not as weqs needs it after setup:${missing.length > 0 ? ` missing columns ${missing.join(', ')};` : ''}${unindexed.length > 0 ? ` columns not indexed ${unindexed.join(', ')};` : ''} check the app's site grant (owner or full control) and run setup again.`,
    );
  }
  return report;
}

/** One line for `weqs setup`: what changed on a list, or that nothing needed to. */
export function describeColumnReport(listName: string, report: ColumnReport): string {
  const changes = [
    ...(report.added.length > 0 ? [`added columns ${report.added.join(', ')}`] : []),
    ...(report.indexed.length > 0 ? [`indexed columns ${report.indexed.join(', ')}`] : []),
  ];
  return changes.length > 0 ? `'${listName}' list: ${changes.join('; ')}.` : `'${listName}' list: every column is in place and indexed where weqs filters on it.`;
}
