import { randomUUID } from 'node:crypto';
import { authorizeSite } from '../auth.js';
import type { SiteAccess } from '../auth.js';
import type { EmulatorContext } from '../context.js';
import { GraphFault, header, jsonBody, noContent, ok, route } from '../http.js';
import type { EmulatorRequest, EmulatorResponse, Route } from '../http.js';
import { parseSelect, parseTop, selectFields, decodeToken, encodeToken } from '../odata.js';
import type { Actor, Drive, DriveItem, Permission, Site } from '../sharepoint.js';

const mimeTypes: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  pdf: 'application/pdf',
  txt: 'text/plain',
  png: 'image/png',
  jpg: 'image/jpeg',
};

function mimeTypeFor(name: string, declared: string | undefined): string {
  if (declared && declared !== 'application/octet-stream') return declared;
  return mimeTypes[name.split('.').at(-1)?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

function encodePath(segments: readonly string[]): string {
  return segments.map(encodeURIComponent).join('/');
}

function siteResource(site: Site): Record<string, unknown> {
  return {
    id: site.id,
    name: site.name,
    displayName: site.displayName,
    webUrl: site.webUrl,
    createdDateTime: site.createdDateTime,
    lastModifiedDateTime: site.createdDateTime,
    siteCollection: { hostname: site.hostname },
  };
}

function driveResource(drive: Drive): Record<string, unknown> {
  return {
    id: drive.id,
    name: drive.name,
    description: '',
    driveType: 'documentLibrary',
    createdDateTime: drive.list.createdDateTime,
    lastModifiedDateTime: drive.list.lastModifiedDateTime,
    webUrl: `${drive.site.webUrl}/${encodePath([drive.urlName])}`,
    createdBy: { user: { displayName: 'System Account' } },
    owner: { group: { displayName: `${drive.site.displayName} Owners` } },
    quota: { deleted: 0, remaining: 27487790694400, state: 'normal', total: 27487790694400, used: 0 },
  };
}

function actorResource(actor: Actor): Record<string, unknown> {
  return actor.id.includes('@') ? { user: { email: actor.id, displayName: actor.displayName } } : { application: { id: actor.id, displayName: actor.displayName } };
}

/**
 * `invite`: the answer to the invite call, with the invitee's address. `list`: an item's permission
 * list, where a guest's permission carries no address (OneDrive api-docs issues 484, 815: callers
 * must match by the permission id the invite returned). `inspector`: the control API's view.
 */
export type PermissionView = 'invite' | 'list' | 'inspector';

export function permissionResource(permission: Permission, inheritedFrom?: { drive: Drive; item: DriveItem; path: string }, view: PermissionView = 'invite'): Record<string, unknown> {
  const base: Record<string, unknown> = { id: permission.id, roles: permission.roles, shareId: permission.id };
  if (permission.principal.kind === 'group') {
    const { group } = permission.principal;
    base.grantedToV2 = { siteGroup: { id: group.id, displayName: group.displayName, loginName: group.displayName } };
  } else {
    const { email, displayName, external } = permission.principal;
    const withoutAddress = view === 'list' && external;
    const user = { id: randomUUIDFromEmail(email), displayName, ...(withoutAddress ? {} : { email }) };
    base['@deprecated.GrantedTo'] = 'GrantedTo has been deprecated. Refer to GrantedToV2';
    base.grantedTo = { user };
    base.grantedToV2 = { user, siteUser: { id: String(email.length), displayName, ...(withoutAddress ? {} : { email }), loginName: withoutAddress ? `i:0#.f|membership|urn%3aspo%3aguest#${user.id}` : `i:0#.f|membership|${email}` } };
    base.invitation = { ...(withoutAddress ? {} : { email }), signInRequired: permission.signInRequired ?? true };
    base.hasPassword = false;
    if (view === 'inspector' && permission.pendingAcceptance) base.pendingAcceptance = true;
  }
  if (inheritedFrom) base.inheritedFrom = { driveId: inheritedFrom.drive.id, id: inheritedFrom.item.id, path: inheritedFrom.path };
  return base;
}

function randomUUIDFromEmail(email: string): string {
  const hex = Buffer.from(email.toLowerCase()).toString('hex').padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** `i:0#.f|membership|{email}`: one SharePoint principal, so one permission per person per item. */
function userPermissionId(email: string): string {
  return Buffer.from(`i:0#.f|membership|${email.toLowerCase()}`).toString('base64url');
}

interface ItemAddress {
  drive: Drive;
  item?: DriveItem;
  /** For a path that does not exist yet (uploads): the parent and the remaining segments. */
  missingPath?: { parent: DriveItem; segments: string[] };
  action?: string;
  actionId?: string;
}

export function driveRoutes(context: EmulatorContext): Route[] {

  const authorize = (request: EmulatorRequest, site: Site, access: SiteAccess): void =>
    authorizeSite(context.app(request), context.claims(request), site.path, access);

  const actor = (request: EmulatorRequest): Actor => {
    const app = context.app(request);
    return { id: app.clientId, displayName: app.displayName };
  };

  const itemResource = (request: EmulatorRequest, drive: Drive, item: DriveItem): Record<string, unknown> => {
    const segments = context.sharepoint.pathSegments(drive, item);
    const parent = item.parentId ? drive.items.get(item.parentId) : undefined;
    const parentSegments = parent ? context.sharepoint.pathSegments(drive, parent) : [];
    const resource: Record<string, unknown> = {
      createdDateTime: item.createdDateTime,
      eTag: `"{${item.tag}},${item.version}"`,
      id: item.id,
      lastModifiedDateTime: item.lastModifiedDateTime,
      name: item.name,
      webUrl: `${drive.site.webUrl}/${encodePath([drive.urlName, ...segments])}`,
      cTag: `"c:{${item.tag}},${item.version}"`,
      size: item.folder ? sizeOf(drive, item) : (item.content?.length ?? 0),
      createdBy: actorResource(item.createdBy),
      lastModifiedBy: actorResource(item.lastModifiedBy),
      parentReference: parent
        ? { driveType: 'documentLibrary', driveId: drive.id, id: parent.id, name: parent === drive.root ? drive.urlName : parent.name, path: `/drives/${drive.id}/root:${parentSegments.length ? `/${parentSegments.join('/')}` : ''}`, siteId: drive.site.id }
        : { driveType: 'documentLibrary', driveId: drive.id, siteId: drive.site.id },
      fileSystemInfo: { createdDateTime: item.createdDateTime, lastModifiedDateTime: item.lastModifiedDateTime },
    };
    if (item === drive.root) resource.root = {};
    if (item.folder) resource.folder = { childCount: item.children.size };
    else {
      resource.file = { mimeType: item.mimeType ?? 'application/octet-stream', hashes: { quickXorHash: Buffer.from(item.tag).toString('base64').slice(0, 28) } };
      resource['@microsoft.graph.downloadUrl'] = `${request.origin}/_download/${drive.id}/${item.id}?tempauth=${randomUUID()}`;
    }
    return resource;
  };

  const sizeOf = (drive: Drive, item: DriveItem): number =>
    [...item.children].reduce((total, id) => {
      const child = drive.items.get(id);
      if (!child) return total;
      return total + (child.folder ? sizeOf(drive, child) : (child.content?.length ?? 0));
    }, 0);

  /** Parses `/drives/{id}/(root|items/{id})[:/path[:]][/action[/id]]`. */
  const address = (request: EmulatorRequest, rest: string, forUpload = false): ItemAddress => {
    const match = /^\/drives\/([^/]+)\/(root|items\/([^/:]+))(.*)$/i.exec(rest);
    if (!match) throw new GraphFault(400, 'invalidRequest', 'Invalid request');
    const drive = context.sharepoint.drive(decodeURIComponent(match[1] ?? ''));
    // Without access to the site an app learns nothing about its items: 403 before any 404.
    authorize(request, drive.site, 'read');
    const start = match[3] ? context.sharepoint.item(drive, decodeURIComponent(match[3])) : drive.root;
    let tail = match[4] ?? '';
    let path: string[] = [];
    if (tail.startsWith(':')) {
      const close = tail.indexOf(':', 1);
      const rawPath = close === -1 ? tail.slice(1) : tail.slice(1, close);
      tail = close === -1 ? '' : tail.slice(close + 1);
      path = rawPath.split('/').filter(Boolean).map((segment) => decodeURIComponent(segment));
    }
    const action = /^\/([^/]+)(?:\/([^/]+))?$/.exec(tail);
    if (tail !== '' && !action) throw new GraphFault(400, 'invalidRequest', 'Invalid request');
    const result: ItemAddress = { drive, ...(action?.[1] ? { action: action[1].toLowerCase() } : {}), ...(action?.[2] ? { actionId: decodeURIComponent(action[2]) } : {}) };
    let current = start;
    for (const [index, segment] of path.entries()) {
      const next = context.sharepoint.childNamed(drive, current, segment);
      if (!next) {
        if (forUpload) return { ...result, missingPath: { parent: current, segments: path.slice(index) } };
        throw new GraphFault(404, 'itemNotFound', 'The resource could not be found.');
      }
      current = next;
    }
    return { ...result, item: current };
  };


  const copyTree = (drive: Drive, source: DriveItem, parent: DriveItem, name: string, by: Actor): DriveItem => {
    const copy = context.sharepoint.addItem(drive, parent, {
      name,
      folder: source.folder,
      ...(source.content ? { content: Buffer.from(source.content) } : {}),
      ...(source.mimeType ? { mimeType: source.mimeType } : {}),
      actor: by,
    });
    for (const childId of source.children) {
      const child = drive.items.get(childId);
      if (child) copyTree(drive, child, copy, child.name, by);
    }
    return copy;
  };

  const handleItem = async (request: EmulatorRequest, rest: string): Promise<EmulatorResponse> => {
    const isUpload = request.method === 'PUT' && /\/content$/i.test(rest);
    const target = address(request, rest, isUpload);
    const { drive, action } = target;
    const site = drive.site;
    const select = parseSelect(request.query);
    if (target.actionId && !((action === 'children' && request.method === 'GET') || action === 'permissions')) {
      throw new GraphFault(400, 'invalidRequest', 'Invalid request');
    }

    if (request.method === 'GET' && !action) {
      authorize(request, site, 'read');
      return ok(selectFields(itemResource(request, drive, target.item as DriveItem), select));
    }
    if (request.method === 'GET' && action === 'children' && target.actionId) {
      // children/{child-id} navigates to one child (OData navigation property).
      authorize(request, site, 'read');
      const parent = target.item as DriveItem;
      const child = parent.children.has(target.actionId) ? drive.items.get(target.actionId) : undefined;
      if (!child) throw new GraphFault(404, 'itemNotFound', 'The resource could not be found.');
      return ok(selectFields(itemResource(request, drive, child), select));
    }
    if (request.method === 'GET' && action === 'children') {
      authorize(request, site, 'read');
      const parent = target.item as DriveItem;
      if (!parent.folder) throw new GraphFault(400, 'invalidRequest', 'The item is not a folder.');
      const top = parseTop(request.query, 1000) ?? 200;
      const skipToken = request.query.get('$skiptoken');
      const offset = skipToken ? (decodeToken(skipToken, (value): value is { offset: number } => typeof (value as { offset?: unknown })?.offset === 'number')?.offset ?? 0) : 0;
      const children = [...parent.children].map((id) => drive.items.get(id)).filter((child): child is DriveItem => child !== undefined).sort((a, b) => a.name.localeCompare(b.name));
      const body: Record<string, unknown> = { value: children.slice(offset, offset + top).map((child) => selectFields(itemResource(request, drive, child), select)) };
      if (offset + top < children.length) {
        const next = new URLSearchParams(request.query);
        next.delete('$skiptoken');
        next.set('$skiptoken', encodeToken({ offset: offset + top }));
        body['@odata.nextLink'] = `${request.origin}/v1.0${request.path}?${next.toString().replace(/%24/g, '$')}`; // Graph writes $top/$skiptoken unescaped
      }
      return ok(body);
    }
    if (request.method === 'POST' && action === 'children') {
      authorize(request, site, 'write');
      const parent = target.item as DriveItem;
      const json = jsonBody(request);
      if (typeof json.name !== 'string') throw new GraphFault(400, 'invalidRequest', "The 'name' property is required.");
      if (json.folder === undefined && json.file === undefined) throw new GraphFault(400, 'invalidRequest', "Either a 'folder' or a 'file' facet is required.");
      const behavior = String(json['@microsoft.graph.conflictBehavior'] ?? 'fail');
      const resolved = context.sharepoint.resolveConflict(drive, parent, json.name, behavior);
      if (resolved.existing) context.sharepoint.removeItem(drive, resolved.existing);
      const created = context.sharepoint.addItem(drive, parent, { name: resolved.name, folder: json.folder !== undefined, ...(json.folder === undefined ? { content: Buffer.alloc(0) } : {}), actor: actor(request) });
      return ok(itemResource(request, drive, created), 201);
    }
    if (request.method === 'PUT' && action === 'content') {
      authorize(request, site, 'write');
      if (request.body.length > 250 * 1024 * 1024) throw new GraphFault(413, 'requestTooLarge', 'The request is too large for a simple upload; use an upload session.');
      const behavior = request.query.get('@microsoft.graph.conflictBehavior') ?? 'replace';
      const contentType = header(request, 'content-type');
      if (target.item && !target.missingPath) {
        const existing = target.item;
        if (existing.folder) throw new GraphFault(409, 'nameAlreadyExists', 'A folder with the same name already exists.');
        if (behavior === 'fail') throw new GraphFault(409, 'nameAlreadyExists', 'The specified item name already exists.');
        if (behavior === 'rename') {
          const parent = drive.items.get(existing.parentId ?? '') ?? drive.root;
          const { name } = context.sharepoint.resolveConflict(drive, parent, existing.name, 'rename');
          const created = context.sharepoint.addItem(drive, parent, { name, folder: false, content: request.body, mimeType: mimeTypeFor(name, contentType), actor: actor(request) });
          return ok(itemResource(request, drive, created), 201);
        }
        existing.content = request.body;
        existing.mimeType = mimeTypeFor(existing.name, contentType);
        existing.lastModifiedBy = actor(request);
        context.sharepoint.touch(drive, existing);
        return ok(itemResource(request, drive, existing), 200);
      }
      const { parent, segments } = target.missingPath as { parent: DriveItem; segments: string[] };
      let folder = parent;
      // Uploading to a path creates the missing folders on the way, as OneDrive and SharePoint do.
      for (const segment of segments.slice(0, -1)) folder = context.sharepoint.addItem(drive, folder, { name: segment, folder: true, actor: actor(request) });
      const name = segments.at(-1) as string;
      const created = context.sharepoint.addItem(drive, folder, { name, folder: false, content: request.body, mimeType: mimeTypeFor(name, contentType), actor: actor(request) });
      return ok(itemResource(request, drive, created), 201);
    }
    if (request.method === 'GET' && action === 'content') {
      authorize(request, site, 'read');
      const item = target.item as DriveItem;
      if (item.folder) throw new GraphFault(400, 'invalidRequest', 'Folders have no content.');
      return { status: 302, headers: { location: `${request.origin}/_download/${drive.id}/${item.id}?tempauth=${randomUUID()}` } };
    }
    if (request.method === 'DELETE' && !action) {
      authorize(request, site, 'write');
      const item = target.item as DriveItem;
      if (item === drive.root) throw new GraphFault(403, 'accessDenied', 'The root of a drive cannot be deleted.');
      context.sharepoint.removeItem(drive, item);
      return noContent();
    }
    if (request.method === 'POST' && action === 'copy') {
      authorize(request, site, 'write');
      const source = target.item as DriveItem;
      const json = jsonBody(request);
      const reference = (json.parentReference ?? {}) as { driveId?: string; id?: string };
      const destinationDrive = reference.driveId ? context.sharepoint.drive(reference.driveId) : drive;
      const destination = reference.id ? context.sharepoint.item(destinationDrive, reference.id) : (drive.items.get(source.parentId ?? '') ?? drive.root);
      const name = typeof json.name === 'string' ? json.name : source.name;
      const behavior = request.query.get('@microsoft.graph.conflictBehavior') ?? 'fail';
      const jobId = randomUUID();
      context.sharepoint.copyJobs.set(jobId, { status: 'inProgress' });
      const by = actor(request);
      setTimeout(() => {
        try {
          const resolved = context.sharepoint.resolveConflict(destinationDrive, destination, name, behavior);
          if (resolved.existing) context.sharepoint.removeItem(destinationDrive, resolved.existing);
          const copy = copyTree(destinationDrive, source, destination, resolved.name, by);
          context.sharepoint.copyJobs.set(jobId, { status: 'completed', resourceId: copy.id });
        } catch (error) {
          const fault = error instanceof GraphFault ? error : new GraphFault(500, 'generalException', 'Copy failed.');
          context.sharepoint.copyJobs.set(jobId, { status: 'failed', error: { code: fault.code, message: fault.message } });
        }
      }, context.options.copyDelayMs).unref();
      return { status: 202, headers: { location: `${request.origin}/_api/v2.0/monitor/${jobId}` } };
    }
    if (request.method === 'POST' && action === 'invite') {
      authorize(request, site, 'share');
      return invite(request, drive, target.item as DriveItem);
    }
    if (action === 'permissions') {
      const item = target.item as DriveItem;
      if (request.method === 'GET') {
        authorize(request, site, 'read');
        const { permissions, inheritedFrom } = context.sharepoint.effectivePermissions(drive, item);
        const from = inheritedFrom ? { drive, item: inheritedFrom, path: `/drives/${drive.id}/root:${context.sharepoint.pathSegments(drive, inheritedFrom).map((s) => `/${s}`).join('')}` } : undefined;
        // A guest's permission is left out of the list until they accept it; its id still answers.
        if (!target.actionId) return ok({ value: permissions.filter((permission) => !permission.pendingAcceptance).map((permission) => permissionResource(permission, from, 'list')) });
        // https://learn.microsoft.com/graph/api/permission-get
        const one = permissions.find((candidate) => candidate.id === target.actionId);
        if (!one) throw new GraphFault(404, 'itemNotFound', 'The permission could not be found.');
        return ok(permissionResource(one, from, 'list'));
      }
      authorize(request, site, 'share');
      const own = item.uniquePermissions;
      const inherited = context.sharepoint.effectivePermissions(drive, item).permissions;
      const permission = own?.find((candidate) => candidate.id === target.actionId);
      if (!permission) {
        if (inherited.some((candidate) => candidate.id === target.actionId)) {
          throw new GraphFault(400, 'invalidRequest', 'Inherited permissions cannot be changed or removed on this item.');
        }
        throw new GraphFault(404, 'itemNotFound', 'The permission could not be found.');
      }
      if (request.method === 'DELETE') {
        item.uniquePermissions = (own ?? []).filter((candidate) => candidate !== permission);
        return noContent();
      }
      if (request.method === 'PATCH') {
        const roles = jsonBody(request).roles;
        if (!Array.isArray(roles) || roles.length === 0 || roles.some((role) => role !== 'read' && role !== 'write')) {
          throw new GraphFault(400, 'invalidRequest', "roles must be ['read'] or ['write'].");
        }
        permission.roles = roles as string[];
        return ok(permissionResource(permission));
      }
    }
    throw new GraphFault(400, 'invalidRequest', 'Invalid request');
  };

  /** https://learn.microsoft.com/graph/api/driveitem-invite */
  const invite = (request: EmulatorRequest, drive: Drive, item: DriveItem): EmulatorResponse => {
    const json = jsonBody(request);
    const recipients = Array.isArray(json.recipients) ? json.recipients : [];
    const roles = Array.isArray(json.roles) ? json.roles : [];
    if (recipients.length === 0) throw new GraphFault(400, 'invalidRequest', 'At least one recipient is required.');
    if (roles.length === 0 || roles.some((role) => role !== 'read' && role !== 'write')) throw new GraphFault(400, 'invalidRequest', "roles must be 'read' or 'write'.");
    if (json.requireSignIn !== true && json.requireSignIn !== undefined) {
      // Without sign-in SharePoint would create an anonymous link; the emulator only models sign-in sharing.
      throw new GraphFault(400, 'invalidRequest', 'Only sharing that requires sign-in is supported for this tenant.');
    }
    if (typeof json.message === 'string' && json.message.length > 2000) throw new GraphFault(400, 'invalidRequest', 'The message is limited to 2000 characters.');
    const emails = recipients.map((recipient) => {
      const email = (recipient as { email?: unknown }).email;
      if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new GraphFault(400, 'invalidRequest', 'Each recipient needs a valid email address.');
      return email;
    });
    // "New guests can't be invited using app-only access. Existing guests can be invited using
    // app-only requests." Every token the emulator issues is app-only, so an address that is
    // neither a member nor a guest of the tenant is refused, and nothing is shared with anyone.
    const people = emails.map((email) => ({ email, user: context.directory.find(email) }));
    if (people.some((person) => person.user === undefined)) {
      throw context.tenant.behaviour.newGuestInviteRefusal === 'access-denied'
        ? new GraphFault(403, 'accessDenied', 'Access denied')
        : new GraphFault(400, 'invalidRequest', 'The request is malformed or incorrect.');
    }
    const own = context.sharepoint.breakInheritance(drive, item, json.retainInheritedPermissions !== false);
    const granted = people.map(({ email, user }) => {
      const id = userPermissionId(email);
      const external = user?.userType === 'Guest';
      let permission = own.find((candidate) => candidate.id === id);
      if (permission) {
        permission.roles = permission.roles.includes('write') || roles.includes('write') ? ['write'] : ['read'];
      } else {
        permission = {
          id,
          roles: [...(roles as string[])],
          principal: { kind: 'user', email, displayName: user?.displayName ?? email, external },
          signInRequired: true,
          ...(external ? { pendingAcceptance: true } : {}),
        };
        own.push(permission);
      }
      if (json.sendInvitation !== false) {
        context.sharepoint.sharingInvitations.push({
          itemId: item.id,
          email,
          roles: permission.roles,
          ...(typeof json.message === 'string' ? { message: json.message } : {}),
          sentAt: context.clock.now().toISOString(),
        });
      }
      return permissionResource(permission);
    });
    return ok({ value: granted });
  };

  const siteFromRequest = (request: EmulatorRequest, id: string): Site => {
    const site = context.sharepoint.site(id);
    authorize(request, site, 'read');
    return site;
  };

  return [
    route('GET', '/sites/([^/:]+):(/sites/[^/:]+):?', (request, [hostname = '', path = '']) => {
      if (hostname.toLowerCase() !== context.tenant.sharePointHostname.toLowerCase()) throw new GraphFault(404, 'itemNotFound', 'Requested site could not be found');
      const site = context.sharepoint.site(path);
      authorize(request, site, 'read');
      return ok(selectFields(siteResource(site), parseSelect(request.query)));
    }),
    route('GET', '/sites/([^/:]+)', (request, [id = '']) => ok(selectFields(siteResource(siteFromRequest(request, id)), parseSelect(request.query)))),
    route('GET', '/sites/([^/:]+)/drives', (request, [id = '']) => ok({ value: siteFromRequest(request, id).drives.map(driveResource) })),
    route('GET', '/sites/([^/:]+)/drive', (request, [id = '']) => {
      const site = siteFromRequest(request, id);
      const documents = site.drives.find((drive) => drive.urlName === 'Shared Documents') ?? site.drives[0];
      if (!documents) throw new GraphFault(404, 'itemNotFound', 'The site has no document library.');
      return ok(driveResource(documents));
    }),
    route('GET', '/sites/([^/:]+)/lists/([^/]+)/drive', (request, [id = '', listId = '']) => {
      const site = siteFromRequest(request, id);
      const list = context.sharepoint.list(site, listId);
      const drive = site.drives.find((candidate) => candidate.list === list);
      if (!drive) throw new GraphFault(404, 'itemNotFound', 'The list is not a document library.');
      return ok(driveResource(drive));
    }),
    route('GET', '/drives/([^/]+)', (request, [id = '']) => {
      const drive = context.sharepoint.drive(id);
      authorize(request, drive.site, 'read');
      return ok(driveResource(drive));
    }),
    { method: '*', pattern: /^\/drives\/[^/]+\/(root|items\/[^/]+)/i, handler: (request) => handleItem(request, request.path) },
  ];
}

/** Routes on the SharePoint host that need no token, because their URLs are capabilities. */
export function driveCapabilityRoutes(context: EmulatorContext): Route[] {
  return [
    // Monitor URLs are capabilities on the SharePoint host: no token needed (https://learn.microsoft.com/graph/long-running-actions-overview).
    route('GET', '/_api/v2.0/monitor/([^/]+)', (_request, [jobId = '']) => {
      const job = context.sharepoint.copyJobs.get(jobId);
      if (!job) throw new GraphFault(404, 'itemNotFound', 'The monitor job was not found.');
      if (job.status === 'inProgress') return ok({ operation: 'ItemCopy', percentageComplete: 0, status: 'inProgress' }, 202);
      if (job.status === 'failed') return ok({ operation: 'ItemCopy', status: 'failed', error: job.error }, 200);
      return ok({ operation: 'ItemCopy', percentageComplete: 100, resourceId: job.resourceId, status: 'completed' }, 200);
    }),
    route('GET', '/_download/([^/]+)/([^/]+)', (_request, [driveId = '', itemId = '']) => {
      const drive = context.sharepoint.drive(driveId);
      const item = context.sharepoint.item(drive, itemId);
      return { status: 200, headers: { 'content-type': item.mimeType ?? 'application/octet-stream' }, body: item.content ?? Buffer.alloc(0) };
    }),
  ];
}
