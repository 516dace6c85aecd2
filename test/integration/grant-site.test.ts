import { describe, expect, it } from 'vitest';
import { grantSitePermission } from '../../src/cli/grant-site.js';
import { siteHostname, sitePath, startTestEmulator } from '../support/emulator.js';

const admin = { clientId: '7d1e2f3a-4b5c-4d6e-8f70-819a2b3c4d5e', secret: 'administrator-secret-0123456789' };

describe('weqs grant-site (Sites.Selected permission through Graph)', () => {
  it("gives weqs's identity fullcontrol on the site, once, as an administrator's app", async () => {
    const env = await startTestEmulator({
      tenant: (seed) => ({
        ...seed,
        // weqs's app has Sites.Selected but no grant on the site yet; an administrator's app has Sites.FullControl.All.
        applications: [
          ...seed.applications.map((app, index) => (index === 0 ? { ...app, siteRoles: {} } : app)),
          { clientId: admin.clientId, displayName: 'SharePoint administration', roles: ['Sites.FullControl.All'], clientSecrets: [admin.secret], certificates: [], mailboxRoles: {}, siteRoles: {} },
        ],
      }),
    });
    try {
      const weqs = env.tenant.applications[0];
      if (!weqs) throw new Error('no weqs app in the tenant');
      await expect(env.graph.api(`/sites/${siteHostname}:${sitePath}`).get()).rejects.toMatchObject({ statusCode: 403 });
      const target = { hostname: siteHostname, path: sitePath, clientId: weqs.clientId, displayName: 'weqs' };
      // weqs itself cannot grant itself anything.
      await expect(grantSitePermission(env.graph, target)).rejects.toMatchObject({ statusCode: 403 });

      const administrator = env.graphAs(admin.clientId, admin.secret);
      const first = await grantSitePermission(administrator, target);
      expect(first.outcome).toBe('granted');
      const site = (await env.graph.api(`/sites/${siteHostname}:${sitePath}`).get()) as { id: string };
      expect(((await env.graph.api(`/sites/${site.id}/lists`).get()) as { value: unknown[] }).value.length).toBeGreaterThan(0);

      expect(await grantSitePermission(administrator, target)).toEqual({ ...first, outcome: 'already granted' });
      await grantSitePermission(administrator, { ...target, role: 'read' });
      expect(await grantSitePermission(administrator, target)).toMatchObject({ outcome: 'changed', permissionId: first.permissionId });
    } finally {
      await env.stop();
    }
  }, 60_000);
});
