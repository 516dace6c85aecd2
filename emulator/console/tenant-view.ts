import type { EmulatorContext } from '../context.js';
import type { ControlState } from '../control.js';
import type { Mailbox, StoredMessage } from '../mailbox.js';
import type { Drive, DriveItem, Permission, SpList } from '../sharepoint.js';

/**
 * What the console shows, read from the emulator's models through their public accessors at
 * request time (the models are replaced on `/_emulator/reset`, so nothing is captured).
 */
export interface MessageView {
  id: string;
  folder: 'inbox' | 'sentitems';
  subject: string;
  from: string;
  to: string[];
  receivedDateTime: string;
  conversationId: string;
  categories: string[];
  isRead: boolean;
  text: string | undefined;
  html: string | undefined;
  headers: { name: string; value: string }[];
}

export type Access =
  | { kind: 'inherited'; from: string }
  | { kind: 'group'; who: string; role: string }
  | { kind: 'user'; who: string; role: string }
  | { kind: 'pending'; who: string; role: string };

export interface DriveNodeView {
  name: string;
  folder: boolean;
  size: number;
  createdDateTime: string;
  lastModifiedDateTime: string;
  access: Access[];
  children: DriveNodeView[];
}

export interface ListView {
  displayName: string;
  columns: { name: string; displayName: string; type: string; dateOnly: boolean }[];
  items: Record<string, unknown>[];
}

export interface CardView {
  webhook: string;
  receivedAt: string;
  runStatus: string;
  runError: string | undefined;
  card: unknown;
}

export interface TenantView {
  tenantName: string;
  sharePointHost: string;
  now: string;
  inbox: string;
  mailboxes: { address: string; displayName: string; inbox: MessageView[]; sent: MessageView[] }[];
  libraries: { site: string; name: string; root: DriveNodeView }[];
  lists: ListView[];
  cards: CardView[];
  faults: { method: string; path: string; effect: string; remaining: string; hits: number }[];
}

const newestFirst = (a: MessageView, b: MessageView): number => b.receivedDateTime.localeCompare(a.receivedDateTime);

function address(recipient: StoredMessage['from']): string {
  if (!recipient) return '';
  const { name, address: email } = recipient.emailAddress;
  return name && name !== email ? `${name} <${email}>` : email;
}

function messageView(message: StoredMessage, folder: MessageView['folder']): MessageView {
  const isHtml = message.body.contentType === 'html';
  return {
    id: message.id,
    folder,
    subject: message.subject,
    from: address(message.from),
    to: message.toRecipients.map((recipient) => address(recipient)),
    receivedDateTime: message.receivedDateTime,
    conversationId: message.conversationId,
    categories: [...message.categories],
    isRead: message.isRead,
    text: isHtml ? message.textAlternative : message.body.content,
    html: isHtml ? message.body.content : undefined,
    headers: message.internetMessageHeaders.map((header) => ({ name: header.name, value: header.value })),
  };
}

function folderMessages(mailbox: Mailbox, wellKnownName: MessageView['folder']): MessageView[] {
  return mailbox
    .messagesIn(mailbox.folder(wellKnownName).id)
    .map((message) => messageView(message, wellKnownName))
    .sort(newestFirst);
}

const roleNames: Readonly<Record<string, string>> = { owner: 'full control', write: 'edit', read: 'read' };
const roleName = (roles: readonly string[]): string => roles.map((role) => roleNames[role] ?? role).join(', ');

function accessOf(context: EmulatorContext, drive: Drive, item: DriveItem): Access[] {
  const { permissions, inheritedFrom } = context.sharepoint.effectivePermissions(drive, item);
  const access: Access[] = inheritedFrom
    ? [{ kind: 'inherited', from: inheritedFrom === drive.root ? drive.name : inheritedFrom.name }]
    : permissions.map((permission: Permission) =>
        permission.principal.kind === 'group'
          ? { kind: 'group', who: permission.principal.group.displayName, role: roleName(permission.roles) }
          : { kind: 'user', who: permission.principal.email, role: roleName(permission.roles) },
      );
  // An invitation to this item whose person holds no permission on it has not been redeemed yet.
  const holders = new Set(permissions.flatMap((permission) => (permission.principal.kind === 'user' ? [permission.principal.email.toLowerCase()] : [])));
  for (const invitation of context.sharepoint.sharingInvitations) {
    if (invitation.itemId === item.id && !holders.has(invitation.email.toLowerCase())) {
      access.push({ kind: 'pending', who: invitation.email, role: roleName(invitation.roles) });
    }
  }
  return access;
}

function driveNode(context: EmulatorContext, drive: Drive, item: DriveItem): DriveNodeView {
  const children = [...item.children]
    .map((id) => drive.items.get(id))
    .filter((child): child is DriveItem => child !== undefined)
    .sort((a, b) => Number(b.folder) - Number(a.folder) || a.name.localeCompare(b.name));
  return {
    name: item === drive.root ? drive.name : item.name,
    folder: item.folder,
    size: item.content?.length ?? 0,
    createdDateTime: item.createdDateTime,
    lastModifiedDateTime: item.lastModifiedDateTime,
    access: accessOf(context, drive, item),
    children: children.map((child) => driveNode(context, drive, child)),
  };
}

function listView(list: SpList): ListView {
  const columns = list.columns.filter((column) => !column.hidden).map((column) => ({ name: column.name, displayName: column.displayName, type: column.type, dateOnly: column.facet.format === 'dateOnly' }));
  const items = [...list.items.values()].sort((a, b) => Number(a.id) - Number(b.id)).map((item) => ({ ...item.fields }));
  return { displayName: list.displayName, columns, items };
}

function faultEffect(rule: ReturnType<ControlState['faults']['list']>[number]['rule']): string {
  const parts: string[] = [];
  if (rule.status !== undefined) parts.push(`${rule.status}${rule.code ? ` ${rule.code}` : ''}`);
  if (rule.retryAfterSeconds !== undefined) parts.push(`Retry-After ${rule.retryAfterSeconds}s`);
  if (rule.hang) parts.push('hang');
  if (rule.latencyMs) parts.push(`+${rule.latencyMs} ms`);
  if (rule.afterApply) parts.push('after applying');
  if (rule.probability !== undefined) parts.push(`p=${rule.probability}`);
  return parts.join(', ') || 'none';
}

export function tenantView(context: EmulatorContext, control: ControlState): TenantView {
  const mailboxes = [...context.mail.mailboxes.values()].map((mailbox) => ({
    address: mailbox.address,
    displayName: mailbox.displayName,
    inbox: folderMessages(mailbox, 'inbox'),
    sent: folderMessages(mailbox, 'sentitems'),
  }));
  const libraries = context.sharepoint.sites.flatMap((site) =>
    site.drives
      // The site's default "Documents" library is only shown once something is in it.
      .filter((drive) => drive.root.children.size > 0 || drive.name !== 'Documents')
      .map((drive) => ({ site: site.displayName, name: drive.name, root: driveNode(context, drive, drive.root) })),
  );
  const lists = context.sharepoint.sites.flatMap((site) => site.lists.filter((list) => list.template === 'genericList').map(listView));
  return {
    tenantName: context.tenant.displayName,
    sharePointHost: context.tenant.sharePointHostname,
    now: context.clock.now().toISOString(),
    inbox: context.tenant.mailboxes[0]?.address ?? '',
    mailboxes,
    libraries,
    lists,
    cards: control.teamsPosts.map((post) => ({ webhook: post.webhook, receivedAt: post.receivedAt, runStatus: post.runStatus, runError: post.runError, card: post.card })).reverse(),
    faults: control.faults.list().map(({ rule, remaining, hits }) => ({
      method: rule.method ?? 'any',
      path: rule.path,
      effect: faultEffect(rule),
      remaining: Number.isFinite(remaining) ? String(remaining) : 'always',
      hits,
    })),
  };
}

/** Changes whenever something the console shows changes; the page polls it after a send. */
export function tenantFingerprint(context: EmulatorContext, control: ControlState): string {
  let messages = 0;
  let categories = 0;
  for (const mailbox of context.mail.mailboxes.values()) {
    for (const message of mailbox.messages.values()) {
      messages += 1;
      categories += message.categories.length;
    }
  }
  let items = 0;
  let permissions = 0;
  for (const drive of context.sharepoint.drives.values()) {
    items += drive.items.size;
    for (const item of drive.items.values()) permissions += item.uniquePermissions?.length ?? 0;
  }
  const listVersions = context.sharepoint.sites.flatMap((site) => site.lists.map((list) => list.sequence)).join('.');
  return [messages, categories, items, permissions, context.sharepoint.sharingInvitations.length, listVersions, control.teamsPosts.length, control.faults.list().length].join('-');
}
