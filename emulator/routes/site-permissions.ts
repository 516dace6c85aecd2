import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context.js';
import { GraphFault, jsonBody, ok, route } from '../http.js';
import type { Route } from '../http.js';
import type { SiteRole } from '../tenant.js';

/**
 * Site permissions for apps holding Sites.Selected: `POST /sites/{id}/permissions` grants one,
 * `GET` lists them, `PATCH .../{id}` changes its roles. The caller needs Sites.FullControl.All
 * (an administrator's app); the grantee must be an application the tenant knows.
 * https://learn.microsoft.com/graph/api/site-post-permissions
 * https://learn.microsoft.com/graph/permissions-selected-overview
 */
const siteRoles: SiteRole[] = ['read', 'write', 'owner', 'fullcontrol'];
const permissionIds = new Map<string, string>();

export function sitePermissionRoutes(context: EmulatorContext): Route[] {
  const requireAdmin = (roles: string[]): void => {
    if (!roles.includes('Sites.FullControl.All')) throw new GraphFault(403, 'accessDenied', 'Access denied');
  };
  const permissionFor = (sitePath: string, clientId: string): string => {
    const key = `${sitePath}|${clientId}`;
    let id = permissionIds.get(key);
    if (!id) {
      id = Buffer.from(`aTowaS50fG1zLnNwLmV4dHwke${randomUUID()}`).toString('base64url');
      permissionIds.set(key, id);
    }
    return id;
  };
  const resource = (sitePath: string, clientId: string, displayName: string, role: SiteRole): Record<string, unknown> => {
    const identity = { application: { id: clientId, displayName } };
    return { id: permissionFor(sitePath, clientId), roles: [role], grantedToIdentities: [identity], grantedToIdentitiesV2: [identity] };
  };
  const readRole = (json: Record<string, unknown>): SiteRole => {
    const roles = Array.isArray(json.roles) ? json.roles : [];
    const role = roles[0];
    if (roles.length !== 1 || !siteRoles.includes(role as SiteRole)) throw new GraphFault(400, 'invalidRequest', 'Invalid value for roles.');
    return role as SiteRole;
  };

  return [
    route('GET', '/sites/([^/:]+)/permissions', (request, [siteId = '']) => {
      requireAdmin(context.claims(request).roles);
      const site = context.sharepoint.site(siteId);
      const apps = context.tokens.applications().filter((app) => app.siteRoles[site.path]);
      return ok({ value: apps.map((app) => resource(site.path, app.clientId, app.displayName, app.siteRoles[site.path] as SiteRole)) });
    }),
    route('POST', '/sites/([^/:]+)/permissions', (request, [siteId = '']) => {
      requireAdmin(context.claims(request).roles);
      const site = context.sharepoint.site(siteId);
      const json = jsonBody(request);
      const role = readRole(json);
      const identities = Array.isArray(json.grantedToIdentities) ? json.grantedToIdentities : [];
      const clientId = (identities[0] as { application?: { id?: unknown } } | undefined)?.application?.id;
      const app = typeof clientId === 'string' ? context.tokens.application(clientId) : undefined;
      if (identities.length !== 1 || !app) throw new GraphFault(400, 'invalidRequest', 'Invalid grantedToIdentities: one application that exists in the tenant is required.');
      app.siteRoles[site.path] = role;
      return ok(resource(site.path, app.clientId, app.displayName, role), 201);
    }),
    route('PATCH', '/sites/([^/:]+)/permissions/([^/]+)', (request, [siteId = '', permissionId = '']) => {
      requireAdmin(context.claims(request).roles);
      const site = context.sharepoint.site(siteId);
      const app = context.tokens.applications().find((candidate) => candidate.siteRoles[site.path] && permissionFor(site.path, candidate.clientId) === permissionId);
      if (!app) throw new GraphFault(404, 'itemNotFound', 'The specified permission was not found.');
      const role = readRole(jsonBody(request));
      app.siteRoles[site.path] = role;
      return ok(resource(site.path, app.clientId, app.displayName, role));
    }),
  ];
}
