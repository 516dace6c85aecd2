import { z } from 'zod';
import type { EmulatorContext } from './context.js';
import type { FaultInjector } from './faults.js';
import { GraphFault, jsonBody, noContent, ok, route } from './http.js';
import { receivedAuthentications } from './mailbox.js';
import type { Route } from './http.js';
import { messageResource } from './routes/mail.js';
import { permissionResource } from './routes/drive.js';
import { mailAddress } from './directory.js';
import type { Drive, DriveItem } from './sharepoint.js';
import type { TeamsPost } from './teams.js';

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  appId?: string;
  batch?: { id: string; method: string; url: string; status: number }[];
}

const inboundEmailSchema = z.object({
  to: z.email().optional(),
  from: z.object({ name: z.string().exactOptional(), address: z.email() }),
  subject: z.string(),
  body: z.string().default(''),
  contentType: z.enum(['text', 'html']).optional(),
  headers: z.array(z.object({ name: z.string().min(1), value: z.string() })).optional(),
  authentication: z.enum(receivedAuthentications).optional(),
});

export interface ControlState {
  faults: FaultInjector;
  teamsPosts: TeamsPost[];
  requestLog: RequestLogEntry[];
  reset(): void;
}

function driveTree(context: EmulatorContext, drive: Drive, item: DriveItem): Record<string, unknown> {
  const { permissions, inheritedFrom } = context.sharepoint.effectivePermissions(drive, item);
  return {
    id: item.id,
    name: item.name,
    folder: item.folder,
    size: item.content?.length ?? 0,
    lastModifiedDateTime: item.lastModifiedDateTime,
    ...(item.mimeType ? { mimeType: item.mimeType } : {}),
    permissionsInherited: inheritedFrom !== undefined,
    permissions: permissions.map((permission) => permissionResource(permission, undefined, 'inspector')),
    children: [...item.children]
      .map((id) => drive.items.get(id))
      .filter((child): child is DriveItem => child !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((child) => driveTree(context, drive, child)),
  };
}

/** `/_emulator/*`: not part of Graph; how tests and `npm start` drive and inspect the tenant. */
export function controlRoutes(context: EmulatorContext, control: ControlState): Route[] {
  return [
    route('POST', '/_emulator/inbox', (request) => {
      const parsed = inboundEmailSchema.safeParse(jsonBody(request));
      if (!parsed.success) throw new GraphFault(400, 'BadRequest', parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
      const email = parsed.data;
      const mailbox = email.to ? context.mail.resolve(email.to) : [...context.mail.mailboxes.values()][0];
      if (!mailbox) throw new GraphFault(400, 'BadRequest', 'The tenant has no mailbox.');
      const message = context.mail.deliver(mailbox, {
        from: email.from,
        subject: email.subject,
        body: email.body,
        ...(email.contentType ? { contentType: email.contentType } : {}),
        ...(email.headers ? { headers: email.headers } : {}),
        ...(email.authentication ? { authentication: email.authentication } : {}),
      });
      return ok({ id: message.id, internetMessageId: message.internetMessageId }, 201);
    }),
    route('GET', '/_emulator/state', () => {
      const mailboxes = [...context.mail.mailboxes.values()].map((mailbox) => ({
        address: mailbox.address,
        folders: Object.fromEntries(
          [...mailbox.folders.values()].map((folder) => [
            folder.wellKnownName,
            mailbox.messagesIn(folder.id).map((message) => ({
              ...messageResource(mailbox, message, { select: undefined }),
              internetMessageHeaders: message.internetMessageHeaders,
              singleValueExtendedProperties: message.singleValueExtendedProperties,
            })),
          ]),
        ),
      }));
      const sites = context.sharepoint.sites.map((site) => ({
        id: site.id,
        path: site.path,
        drives: site.drives.map((drive) => ({ id: drive.id, name: drive.name, root: driveTree(context, drive, drive.root) })),
        lists: site.lists
          .filter((list) => list.template === 'genericList')
          .map((list) => ({
            id: list.id,
            displayName: list.displayName,
            columns: list.columns.map((column) => ({ name: column.name, type: column.type, indexed: column.indexed, enforceUniqueValues: column.enforceUniqueValues })),
            items: [...list.items.values()].map((item) => ({ id: item.id, version: item.version, fields: item.fields })),
          })),
      }));
      return ok({
        now: context.clock.now().toISOString(),
        mailboxes,
        outbound: context.mail.outbound,
        sites,
        sharingInvitations: context.sharepoint.sharingInvitations,
        directory: context.directory.users,
        teams: control.teamsPosts,
        subscriptions: context.subscriptions.list(),
        notifications: context.subscriptions.deliveries,
      });
    }),
    // A staff member adds the person to the tenant as a guest (Entra admin centre or PowerShell).
    route('POST', '/_emulator/directory/guests', (request) => {
      const body = z.object({ email: mailAddress, displayName: z.string().min(1).optional(), accepted: z.boolean().default(false) }).parse(jsonBody(request));
      const existing = context.directory.find(body.email);
      if (existing?.userType === 'Member') throw new GraphFault(400, 'BadRequest', 'The address belongs to a member of the tenant.');
      const user = existing ?? context.directory.addGuest(body.email, body.displayName ?? body.email, body.accepted ? 'Accepted' : 'PendingAcceptance');
      return ok({ id: user.id, userType: user.userType, mail: user.mail }, existing ? 200 : 201);
    }),
    // The guest opens the sharing email and accepts: their permissions show in the item's list.
    route('POST', '/_emulator/sharing/accept', (request) => {
      const { email } = z.object({ email: mailAddress }).parse(jsonBody(request));
      const user = context.directory.find(email);
      if (user?.userType === 'Guest') user.externalUserState = 'Accepted';
      let accepted = 0;
      for (const drive of context.sharepoint.drives.values()) {
        for (const item of drive.items.values()) {
          for (const permission of item.uniquePermissions ?? []) {
            if (permission.pendingAcceptance && permission.principal.kind === 'user' && permission.principal.email.toLowerCase() === email.toLowerCase()) {
              delete permission.pendingAcceptance;
              accepted += 1;
            }
          }
        }
      }
      return ok({ accepted });
    }),
    route('GET', '/_emulator/requests', () => ok({ value: control.requestLog })),
    route('GET', '/_emulator/outbound', (request) => ok({ value: context.mail.outbound.slice(Number(request.query.get('since') ?? '0')) })),
    route('POST', '/_emulator/faults', (request) => {
      try {
        return ok({ ids: control.faults.add(JSON.parse(request.body.toString('utf8'))) }, 201);
      } catch (error) {
        throw new GraphFault(400, 'BadRequest', error instanceof Error ? error.message : String(error));
      }
    }),
    route('GET', '/_emulator/faults', () => ok({ value: control.faults.list() })),
    route('DELETE', '/_emulator/faults', () => {
      control.faults.clear();
      return noContent();
    }),
    route('POST', '/_emulator/reset', () => {
      control.reset();
      return noContent();
    }),
    route('POST', '/_emulator/subscriptions/([^/]+)/lifecycle', (request, [id = '']) => {
      const event = z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']).parse(jsonBody(request).event);
      context.subscriptions.lifecycle(id, event);
      return noContent(202);
    }),
    route('POST', '/_emulator/notifications/drop', (request) => {
      context.subscriptions.dropNext(z.number().int().positive().parse(jsonBody(request).count));
      return noContent(202);
    }),
    route('POST', '/_emulator/notifications/duplicate', (request) => {
      const body = z.object({ count: z.number().int().positive(), afterMs: z.number().int().min(0).max(600_000).default(1000) }).parse(jsonBody(request));
      context.subscriptions.duplicateNext(body.count, body.afterMs);
      return noContent(202);
    }),
    route('POST', '/_emulator/mailboxes/([^/]+)/sync-state', (request, [address = '']) => {
      const mailbox = context.mail.resolve(address);
      context.syncResetModes.set(mailbox, z.enum(['expired', 'reset']).parse(jsonBody(request).mode));
      mailbox.invalidateSyncState();
      return noContent(202);
    }),
    route('POST', '/_emulator/clock', (request) => {
      const body = z.object({ advanceMs: z.number().optional(), set: z.iso.datetime().optional() }).parse(jsonBody(request));
      if (body.set) context.clock.set(new Date(body.set));
      if (body.advanceMs) context.clock.advance(body.advanceMs);
      return ok({ now: context.clock.now().toISOString() });
    }),
  ];
}
