import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EmulatorContext } from './context.js';
import { GraphFault, jsonBody, ok, route } from './http.js';
import type { Route } from './http.js';
import type { Clock } from './ids.js';
import { evaluateFilter, filterPaths, parseFilter, parseSelect, parseTop, selectFields } from './odata.js';
import type { TenantSeed } from './tenant.js';

/** One Entra user: a member of the tenant, or a guest (B2B collaboration user) invited into it. */
export interface DirectoryUser {
  id: string;
  displayName: string;
  mail: string;
  otherMails: string[];
  userPrincipalName: string;
  userType: 'Member' | 'Guest';
  /** Guests only: `PendingAcceptance` until they redeem the invitation, then `Accepted`. */
  externalUserState?: 'PendingAcceptance' | 'Accepted';
  createdDateTime: string;
}

/** Application permissions that let an app list users (user-list page, least privileged first). */
const readUsersRoles = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
/** Application permissions that let an app create an invitation (invitation-post page). */
const inviteRoles = ['User.Invite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'];

/** Properties `$filter` on users accepts by default (no ConsistencyLevel header needed). */
const filterableUserProperties = new Set(['mail', 'otherMails', 'userPrincipalName', 'userType', 'id', 'displayName']);

/** Entra's answer when the token lacks the directory role an operation needs. */
function insufficientPrivileges(): GraphFault {
  return new GraphFault(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

/**
 * The tenant's directory: who is a member and who is a guest. Sharing with someone outside the
 * tenant depends on it: app-only `invite` only reaches members and existing guests.
 * https://learn.microsoft.com/graph/api/driveitem-invite
 */
export class Directory {
  readonly users: DirectoryUser[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly domain: string,
  ) {}

  static seeded(clock: Clock, tenant: TenantSeed): Directory {
    const directory = new Directory(clock, tenant.domain);
    // Mailboxes and the people in the site's groups are the tenant's own accounts.
    for (const mailbox of tenant.mailboxes) directory.addMember(mailbox.address, mailbox.displayName);
    for (const site of tenant.sites) for (const person of [...site.owners, ...site.members, ...site.visitors]) directory.addMember(person.email, person.displayName);
    for (const user of tenant.directory.members) directory.addMember(user.email, user.displayName);
    for (const guest of tenant.directory.guests) directory.addGuest(guest.email, guest.displayName, guest.accepted ? 'Accepted' : 'PendingAcceptance');
    return directory;
  }

  /** The user whose mail, other mails or sign-in name is this address. */
  find(email: string): DirectoryUser | undefined {
    const wanted = email.toLowerCase();
    return this.users.find((user) => user.mail.toLowerCase() === wanted || user.userPrincipalName.toLowerCase() === wanted || user.otherMails.some((other) => other.toLowerCase() === wanted));
  }

  addMember(email: string, displayName: string): DirectoryUser {
    const existing = this.find(email);
    if (existing) return existing;
    const user: DirectoryUser = { id: randomUUID(), displayName, mail: email, otherMails: [], userPrincipalName: email, userType: 'Member', createdDateTime: this.clock.now().toISOString() };
    this.users.push(user);
    return user;
  }

  /** A B2B guest: UPN `{local}_{domain}#EXT#@{tenant}`, the address in `mail` and `otherMails`. */
  addGuest(email: string, displayName: string, state: 'PendingAcceptance' | 'Accepted' = 'PendingAcceptance'): DirectoryUser {
    const existing = this.find(email);
    if (existing) return existing;
    const user: DirectoryUser = {
      id: randomUUID(),
      displayName,
      mail: email,
      otherMails: [email],
      userPrincipalName: `${email.replace('@', '_')}#EXT#@${this.domain}`,
      userType: 'Guest',
      externalUserState: state,
      createdDateTime: this.clock.now().toISOString(),
    };
    this.users.push(user);
    return user;
  }
}

function userResource(user: DirectoryUser): Record<string, unknown> {
  return {
    id: user.id,
    displayName: user.displayName,
    mail: user.mail,
    otherMails: user.otherMails,
    userPrincipalName: user.userPrincipalName,
    userType: user.userType,
    ...(user.externalUserState ? { externalUserState: user.externalUserState } : {}),
    createdDateTime: user.createdDateTime,
    businessPhones: [],
    givenName: null,
    surname: null,
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
  };
}

/** Addresses as mail allows them (RFC 5322 atext includes ' + & #), not the narrower web-form pattern. */
export const mailAddress = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'Invalid email address');

const invitationSchema = z.object({
  invitedUserEmailAddress: mailAddress,
  inviteRedirectUrl: z.url(),
  invitedUserDisplayName: z.string().optional(),
  sendInvitationMessage: z.boolean().optional(),
  invitedUserType: z.enum(['Guest', 'Member']).optional(),
  invitedUserMessageInfo: z.looseObject({}).optional(),
});

/**
 * `GET /users` with `$filter` (https://learn.microsoft.com/graph/api/user-list) and
 * `POST /invitations` (https://learn.microsoft.com/graph/api/invitation-post).
 */
export function directoryRoutes(context: EmulatorContext): Route[] {
  const requireRole = (roles: readonly string[], granted: readonly string[]): void => {
    if (!roles.some((role) => granted.includes(role))) throw insufficientPrivileges();
  };
  return [
    route('GET', '/users', (request) => {
      requireRole(readUsersRoles, context.claims(request).roles);
      const source = request.query.get('$filter');
      let users = context.directory.users;
      if (source) {
        const filter = parseFilter(source);
        const unsupported = filterPaths(filter).filter((path) => !filterableUserProperties.has(path.split('/')[0] ?? ''));
        if (unsupported.length > 0) throw new GraphFault(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${unsupported[0] ?? ''}' of resource 'User'.`);
        users = users.filter((user) => evaluateFilter(filter, userResource(user)));
      }
      const top = parseTop(request.query, 999) ?? 100;
      const select = parseSelect(request.query);
      return ok({ '@odata.context': `${request.origin}/v1.0/$metadata#users`, value: users.slice(0, top).map((user) => selectFields(userResource(user), select)) });
    }),
    route('POST', '/invitations', (request) => {
      requireRole(inviteRoles, context.claims(request).roles);
      const parsed = invitationSchema.safeParse(jsonBody(request));
      if (!parsed.success) throw new GraphFault(400, 'BadRequest', parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
      const body = parsed.data;
      const existing = context.directory.find(body.invitedUserEmailAddress);
      // A member cannot be invited as a guest of their own tenant.
      if (existing?.userType === 'Member') throw new GraphFault(400, 'BadRequest', 'The invited user already exists in the directory as a member.');
      const user = existing ?? context.directory.addGuest(body.invitedUserEmailAddress, body.invitedUserDisplayName ?? body.invitedUserEmailAddress);
      const id = randomUUID();
      return ok(
        {
          '@odata.context': `${request.origin}/v1.0/$metadata#invitations/$entity`,
          id,
          inviteRedeemUrl: `${request.origin}/redeem/${id}`,
          invitedUserDisplayName: user.displayName,
          invitedUserEmailAddress: body.invitedUserEmailAddress,
          invitedUserType: 'Guest',
          sendInvitationMessage: body.sendInvitationMessage ?? false,
          inviteRedirectUrl: body.inviteRedirectUrl,
          status: user.externalUserState === 'Accepted' ? 'Completed' : 'PendingAcceptance',
          invitedUser: { id: user.id },
          resetRedemption: false,
        },
        201,
      );
    }),
  ];
}
