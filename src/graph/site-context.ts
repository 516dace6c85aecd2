import type { Client } from '@microsoft/microsoft-graph-client';
import type { Drive, List, Site } from '@microsoft/microsoft-graph-types';

/** The Work Experience site, its evidence library and the Applications list, resolved once per process. */
export interface SiteContext {
  siteId: string;
  siteUrl: string;
  driveId: string;
  driveUrl: string;
  listId: string;
  listUrl: string;
}

export interface SiteSettings {
  hostname: string;
  path: string;
  evidenceLibrary: string;
  applicationsList: string;
}

/** https://learn.microsoft.com/graph/api/site-getbypath */
export async function resolveSiteContext(graph: Client, settings: SiteSettings): Promise<SiteContext> {
  const site = (await graph.api(`/sites/${settings.hostname}:${settings.path}`).select(['id', 'webUrl']).get()) as Site;
  const siteId = site.id ?? '';
  const [drives, lists] = (await Promise.all([
    graph.api(`/sites/${siteId}/drives`).select(['id', 'name', 'webUrl']).get(),
    graph.api(`/sites/${siteId}/lists`).select(['id', 'displayName', 'webUrl']).get(),
  ])) as [{ value: Drive[] }, { value: List[] }];
  const drive = drives.value.find((candidate) => candidate.name === settings.evidenceLibrary);
  if (!drive?.id) throw new Error(`The site ${settings.path} has no document library named '${settings.evidenceLibrary}' (WEQS_EVIDENCE_LIBRARY).`);
  const list = lists.value.find((candidate) => candidate.displayName === settings.applicationsList);
  if (!list?.id) throw new Error(`The site ${settings.path} has no list named '${settings.applicationsList}' (WEQS_APPLICATIONS_LIST).`);
  return { siteId, siteUrl: site.webUrl ?? '', driveId: drive.id, driveUrl: drive.webUrl ?? '', listId: list.id, listUrl: list.webUrl ?? '' };
}

/** Resolves once and shares the promise; a failure is not cached, so the next call tries again. */
export function lazySiteContext(graph: Client, settings: SiteSettings): () => Promise<SiteContext> {
  let pending: Promise<SiteContext> | undefined;
  return () => {
    pending ??= resolveSiteContext(graph, settings).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
