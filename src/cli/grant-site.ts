import { parseArgs } from 'node:util';
import type { TokenCredential } from '@azure/core-auth';
import { AzureCliCredential, ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import { loadConfig } from '../config.js';
import type { Config } from '../config.js';
import { createGraphClient } from '../graph/graph-client.js';

/**
 * `npm run weqs -- grant-site`: gives weqs's identity its Sites.Selected permission on the Work
 * Experience site (fullcontrol: sharing a folder is ManagePermissions, only in Full Control).
 * Runs as an administrator's app or account holding Sites.FullControl.All, never as weqs.
 * https://learn.microsoft.com/graph/api/site-post-permissions
 */
export type SiteRole = 'read' | 'write' | 'owner' | 'fullcontrol';

interface SitePermission {
  id: string;
  roles?: string[];
  grantedToIdentitiesV2?: { application?: { id?: string } }[];
  grantedToIdentities?: { application?: { id?: string } }[];
}

export interface GrantOutcome {
  outcome: 'granted' | 'changed' | 'already granted';
  permissionId: string;
  siteId: string;
}

export async function grantSitePermission(admin: Client, target: { hostname: string; path: string; clientId: string; displayName: string; role?: SiteRole }): Promise<GrantOutcome> {
  const role = target.role ?? 'fullcontrol';
  const site = (await admin.api(`/sites/${target.hostname}:${target.path}`).select(['id']).get()) as { id: string };
  const existing = ((await admin.api(`/sites/${site.id}/permissions`).get()) as { value: SitePermission[] }).value.find((permission) =>
    [...(permission.grantedToIdentitiesV2 ?? []), ...(permission.grantedToIdentities ?? [])].some((identity) => identity.application?.id?.toLowerCase() === target.clientId.toLowerCase()),
  );
  if (existing?.roles?.includes(role)) return { outcome: 'already granted', permissionId: existing.id, siteId: site.id };
  if (existing) {
    await admin.api(`/sites/${site.id}/permissions/${existing.id}`).patch({ roles: [role] });
    return { outcome: 'changed', permissionId: existing.id, siteId: site.id };
  }
  const created = (await admin.api(`/sites/${site.id}/permissions`).post({ roles: [role], grantedToIdentities: [{ application: { id: target.clientId, displayName: target.displayName } }] })) as SitePermission;
  return { outcome: 'granted', permissionId: created.id, siteId: site.id };
}

/** The identity weqs runs as, by its application (client) id. */
function weqsClientId(config: Config): string | undefined {
  return config.credential.clientId;
}

function adminCredential(config: Config, values: { 'admin-client-id'?: string; 'admin-certificate'?: string }): TokenCredential {
  const authority = config.credential.kind === 'client-certificate' ? { authorityHost: config.credential.authorityHost, disableInstanceDiscovery: !config.credential.instanceDiscovery } : {};
  const clientId = values['admin-client-id'];
  if (clientId && values['admin-certificate']) return new ClientCertificateCredential(config.tenantId, clientId, { certificatePath: values['admin-certificate'] }, authority);
  const secret = process.env.WEQS_ADMIN_CLIENT_SECRET;
  if (clientId && secret) return new ClientSecretCredential(config.tenantId, clientId, secret, authority);
  return new AzureCliCredential({ tenantId: config.tenantId });
}

export async function grantSiteCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'identity-client-id': { type: 'string' }, 'display-name': { type: 'string', default: 'weqs' }, 'admin-client-id': { type: 'string' }, 'admin-certificate': { type: 'string' } } });
  const config = loadConfig();
  const clientId = values['identity-client-id'] ?? weqsClientId(config);
  if (!clientId) {
    console.error('Name the identity to grant: --identity-client-id <application (client) id> (the azd output WEQS_IDENTITY_CLIENT_ID).');
    return 2;
  }
  const admin = createGraphClient({ credential: adminCredential(config, values), baseUrl: config.graph.baseUrl, timeoutMs: config.graph.timeoutMs, mailbox: config.inboxAddress, mailboxConcurrency: 1 });
  const result = await grantSitePermission(admin, { hostname: config.site.hostname, path: config.site.path, clientId, displayName: values['display-name'] });
  console.log(`${config.site.hostname}${config.site.path}: fullcontrol for application ${clientId}: ${result.outcome} (permission ${result.permissionId}).`);
  return 0;
}
