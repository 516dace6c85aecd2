import { GraphError } from '@microsoft/microsoft-graph-client';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { SiteRole, TenantSeed } from '../../emulator/tenant.js';
import { siteHostname, sitePath } from '../support/emulator.js';

/** Extra app registrations for permission tests: each holds `Sites.Selected` and a client secret. */
export const testApps = {
  ungranted: { clientId: '0a1b2c3d-0000-4000-8000-000000000001', secret: 'ungranted-secret-0001', role: undefined },
  reader: { clientId: '0a1b2c3d-0000-4000-8000-000000000002', secret: 'reader-secret-000000002', role: 'read' },
  writer: { clientId: '0a1b2c3d-0000-4000-8000-000000000003', secret: 'writer-secret-000000003', role: 'write' },
  owner: { clientId: '0a1b2c3d-0000-4000-8000-000000000004', secret: 'owner-secret-0000000004', role: 'owner' },
} as const satisfies Record<string, { clientId: string; secret: string; role: SiteRole | undefined }>;

/** Adds {@link testApps} to a copy of the embedded tenant. */
export function withTestApps(seed: TenantSeed): TenantSeed {
  for (const [name, app] of Object.entries(testApps)) {
    seed.applications.push({
      clientId: app.clientId,
      displayName: `test app ${name}`,
      roles: ['Sites.Selected'],
      clientSecrets: [app.secret],
      certificates: [],
      mailboxRoles: {},
      siteRoles: app.role ? { [sitePath]: app.role } : {},
    });
  }
  return seed;
}

/** Awaits a Graph call that must fail and returns the SDK's GraphError. */
export async function graphError(call: Promise<unknown>): Promise<GraphError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof GraphError) return error;
    throw error;
  }
  throw new Error('Expected the Graph call to fail, but it succeeded.');
}

/** The parsed `error` object of a GraphError (the SDK keeps it as a JSON string in `body`). */
export function errorBody(error: GraphError): { code: string; message: string; innerError?: { code?: string; 'request-id'?: string; date?: string } } {
  return JSON.parse(String(error.body)) as { code: string; message: string; innerError?: { code?: string } };
}

export interface SiteRef {
  id: string;
  webUrl: string;
}

export interface DriveRef {
  id: string;
  name: string;
  driveType: string;
  webUrl: string;
}

export interface DriveItemJson {
  id: string;
  name: string;
  eTag: string;
  cTag: string;
  size: number;
  webUrl: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  parentReference: { driveId: string; driveType: string; id?: string; path?: string; siteId: string; name?: string };
  file?: { mimeType: string; hashes?: { quickXorHash?: string } };
  folder?: { childCount: number };
  root?: Record<string, never>;
  '@microsoft.graph.downloadUrl'?: string;
}

export async function getSite(graph: Client): Promise<SiteRef> {
  return (await graph.api(`/sites/${siteHostname}:${sitePath}`).get()) as SiteRef;
}

/** The "Application evidence" document library of the seeded site. */
export async function evidenceDrive(graph: Client, siteId: string): Promise<DriveRef> {
  const drives = (await graph.api(`/sites/${siteId}/drives`).get()) as { value: DriveRef[] };
  const drive = drives.value.find((candidate) => candidate.name === 'Application evidence');
  if (!drive) throw new Error('The seeded site has no "Application evidence" library.');
  return drive;
}

/** Percent-encodes each segment of a drive path, as Graph expects in `root:/a/b:` addressing. */
export function encodePath(...segments: string[]): string {
  return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

export async function createFolder(graph: Client, driveId: string, parentId: string, name: string): Promise<DriveItemJson> {
  return (await graph.api(`/drives/${driveId}/items/${parentId}/children`).post({ name, folder: {}, '@microsoft.graph.conflictBehavior': 'fail' })) as DriveItemJson;
}

export async function upload(graph: Client, driveId: string, parentId: string, name: string, content: string, contentType = 'text/plain'): Promise<DriveItemJson> {
  return (await graph
    .api(`/drives/${driveId}/items/${parentId}:/${encodeURIComponent(name)}:/content`)
    .header('Content-Type', contentType)
    .put(Buffer.from(content))) as DriveItemJson;
}

export async function rootOf(graph: Client, driveId: string): Promise<DriveItemJson> {
  return (await graph.api(`/drives/${driveId}/root`).get()) as DriveItemJson;
}
