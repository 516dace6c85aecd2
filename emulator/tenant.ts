import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const siteRole = z.enum(['read', 'write', 'owner', 'fullcontrol']);
export type SiteRole = z.infer<typeof siteRole>;

const application = z.object({
  clientId: z.uuid(),
  displayName: z.string().min(1),
  /** Entra application permissions consented for the app: they become the token's `roles` claim. */
  roles: z.array(z.string()).default([]),
  clientSecrets: z.array(z.string().min(16)).default([]),
  /** PEM certificates; `@dev-app-credential` stands for the certificate generated for local runs. */
  certificates: z.array(z.string()).default([]),
  /** Exchange RBAC for Applications: roles scoped to single mailboxes, by address. */
  mailboxRoles: z.record(z.string(), z.array(z.enum(['Mail.Read', 'Mail.ReadWrite', 'Mail.Send']))).default({}),
  /** Sites.Selected grants, by server-relative site path (`/sites/WorkExperience`). */
  siteRoles: z.record(z.string(), siteRole).default({}),
});

const principal = z.object({ displayName: z.string(), email: z.email() });

const column = z.looseObject({ name: z.string().min(1) });

const site = z.object({
  path: z.string().regex(/^\/sites\/[A-Za-z0-9_-]+$/, 'a site path looks like /sites/Name'),
  displayName: z.string(),
  owners: z.array(principal).default([]),
  members: z.array(principal).default([]),
  visitors: z.array(principal).default([]),
  libraries: z.array(z.object({ displayName: z.string(), urlName: z.string().optional() })).default([]),
  lists: z.array(z.object({ displayName: z.string(), columns: z.array(column).default([]) })).default([]),
});

export const tenantSeedSchema = z.object({
  tenantId: z.uuid(),
  displayName: z.string(),
  domain: z.string().min(3),
  sharePointHostname: z.string().min(3),
  applications: z.array(application).min(1),
  mailboxes: z.array(z.object({ address: z.email(), displayName: z.string() })).min(1),
  sites: z.array(site).default([]),
  teamsWebhooks: z.array(z.object({ name: z.string(), flowId: z.uuid(), signature: z.string().min(8) })).default([]),
  /**
   * Tenant options for Graph behaviours Microsoft leaves uncertain: each key picks one reading,
   * defaults to the least convenient one, and is described in docs/graph-assumptions.md.
   */
  behaviour: z
    .object({
      // one key per uncertain behaviour, added beside the code that reads it
      /**
       * How long after Graph's 202 a sent message's copy appears in Sent Items. Exchange files it
       * asynchronously and documents no bound; 0 files it at once (the convenient reading).
       */
      sentItemsDelayMs: z.number().int().min(0).default(2000),
    })
    .prefault({}),
});

export type TenantSeed = z.infer<typeof tenantSeedSchema>;
export type AppRegistration = TenantSeed['applications'][number];
export type SiteSeed = TenantSeed['sites'][number];

export function parseTenantSeed(json: unknown, source = 'tenant seed'): TenantSeed {
  const result = tenantSeedSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Invalid ${source}:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

const seedDirectory = join(dirname(fileURLToPath(import.meta.url)), 'tenants');

/** The embedded tenant that `npm start` and the tests run against. */
export async function loadDevTenant(): Promise<TenantSeed> {
  const path = join(seedDirectory, 'dev-tenant.json');
  return parseTenantSeed(JSON.parse(await readFile(path, 'utf8')), path);
}
