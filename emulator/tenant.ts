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
   * The Entra directory beyond the mailboxes and site groups (which are members already): more
   * members, and the guests staff have invited into the tenant (`accepted`: redeemed).
   */
  directory: z
    .object({
      members: z.array(principal).default([]),
      guests: z.array(principal.extend({ accepted: z.boolean().default(false) })).default([]),
    })
    .default({ members: [], guests: [] }),
  /**
   * Tenant options for Graph behaviours Microsoft leaves uncertain: each key picks one reading,
   * defaults to the least convenient one, and is described in docs/graph-assumptions.md.
   */
  behaviour: z
    .object({
      // one key per uncertain behaviour, added beside the code that reads it
      /**
       * How app-only `invite` refuses an address that is neither a member nor an existing guest.
       * The driveItem invite page states the refusal but not its shape; public reports of
       * external invites show 400 `invalidRequest` "The request is malformed or incorrect.".
       */
      newGuestInviteRefusal: z.enum(['invalid-request', 'access-denied']).default('invalid-request'),
      /**
       * The status of a list item create or update that repeats a value in a column enforcing unique
       * values. Graph's pages do not document it; reports show SharePoint's duplicate-values message
       * under 400, 409 and 500. Default 500 (generalException): the SDK does not retry it and
       * nothing in the status says "already there".
       */
      listUniqueValueClashStatus: z.union([z.literal(400), z.literal(409), z.literal(500)]).default(500),
      /**
       * Whether a list created with `columns` in its create request comes without them. The
       * list-create page's example shows them created, but developers report lists created without
       * them (microsoft-graph-docs#11966); an example is no promise, so the default drops them.
       */
      listCreateDropsColumns: z.boolean().default(true),
      /**
       * Whether a mailbox change-notification subscription needs a tenant-wide Mail read role,
       * refusing an app that holds Exchange RBAC for Applications on the mailbox alone. Microsoft
       * does not document subscriptions under RBAC for Applications; weqs must keep working if a
       * real tenant refuses them (it then relies on the inbox sweep).
       */
      mailboxSubscriptionsNeedTenantWideMailRead: z.boolean().default(false),
      /**
       * What a second identical subscription gets: `conflict` is the 409 Graph has been seen to
       * answer; `duplicate` creates a second subscription, which weqs must clean up. The create
       * page documents no conflict at all, so the default is `duplicate`.
       */
      duplicateSubscriptions: z.enum(['conflict', 'duplicate']).default('duplicate'),
      /**
       * How long after Graph's 202 a sent message's copy appears in Sent Items. Exchange files it
       * asynchronously and documents no bound; 0 files it at once (the convenient reading).
       */
      sentItemsDelayMs: z.number().int().min(0).default(2000),
    })
    // prefault, not default: the inner defaults apply when the seed names no behaviour at all.
    .prefault({}),
});

export type TenantSeed = z.infer<typeof tenantSeedSchema>;
export type TenantBehaviour = TenantSeed['behaviour'];

/**
 * The other reading of every uncertain behaviour at once (docs/graph-assumptions.md): what the
 * tests run under with WEQS_EMULATOR_READINGS=alternative. Every key must be named here, so a new
 * option cannot be left out.
 */
export function alternativeReadings(behaviour: TenantBehaviour): TenantBehaviour {
  return {
    newGuestInviteRefusal: behaviour.newGuestInviteRefusal === 'invalid-request' ? 'access-denied' : 'invalid-request',
    listUniqueValueClashStatus: behaviour.listUniqueValueClashStatus === 409 ? 500 : 409,
    listCreateDropsColumns: !behaviour.listCreateDropsColumns,
    mailboxSubscriptionsNeedTenantWideMailRead: !behaviour.mailboxSubscriptionsNeedTenantWideMailRead,
    duplicateSubscriptions: behaviour.duplicateSubscriptions === 'duplicate' ? 'conflict' : 'duplicate',
    sentItemsDelayMs: behaviour.sentItemsDelayMs === 0 ? 2000 : 0,
  };
}
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
