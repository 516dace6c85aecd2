import type { Client } from '@microsoft/microsoft-graph-client';
import type { User } from '@microsoft/microsoft-graph-types';
import type { ApplicantStanding } from '../ports/evidence-folders.port.js';
import { odata, withFilter } from './odata-filter.js';
import type { SiteContext } from './site-context.js';

export type { ApplicantStanding };

/**
 * The tenant's directory, for sharing with people outside it: app-only sharing reaches members
 * and existing guests only, so a new applicant is made a guest first. Needs the application
 * permissions User.Read.All (list users: https://learn.microsoft.com/graph/api/user-list) and
 * User.Invite.All (https://learn.microsoft.com/graph/api/invitation-post); used only where the
 * deployment is granted them (WEQS_CREATE_GUESTS).
 */
export class GuestDirectory {
  constructor(
    private readonly graph: Client,
    private readonly site: () => Promise<SiteContext>,
  ) {}

  /**
   * Finds the person by their address: `mail` and `otherMails` hold a guest's address,
   * `userPrincipalName` a member's sign-in name. All three filters work without advanced queries.
   */
  async standing(email: string): Promise<ApplicantStanding> {
    const filter = odata`mail eq ${email} or otherMails/any(address:address eq ${email}) or userPrincipalName eq ${email}`;
    const found = (await withFilter(this.graph.api('/users'), filter).select(['id', 'userType']).top(5).get()) as { value: User[] };
    if (found.value.some((user) => user.userType === 'Member')) return 'member';
    return found.value.length > 0 ? 'guest' : 'not-known';
  }

  /**
   * Makes the person a guest of the tenant without Microsoft's invitation email: SharePoint's
   * sharing email (or weqs's own) is the one they act on, and redeeming happens when they first
   * open the folder. Returns the guest's user id.
   */
  async createGuest(email: string, displayName: string | undefined): Promise<string> {
    const { siteUrl } = await this.site();
    const invitation = (await this.graph.api('/invitations').post({
      invitedUserEmailAddress: email,
      ...(displayName ? { invitedUserDisplayName: displayName } : {}),
      inviteRedirectUrl: siteUrl,
      sendInvitationMessage: false,
    })) as { invitedUser?: { id?: string } };
    return invitation.invitedUser?.id ?? '';
  }
}
