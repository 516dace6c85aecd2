/**
 * What staff and applicants are told when weqs cannot share an evidence folder itself: app-only
 * sharing reaches members and existing guests of the tenant only, so someone new must first be
 * made a guest (by staff, or by weqs where the deployment may).
 */
import { email, greeting, h1, h2, item, link, ol, p, render, signOff, STANDARD_NAME, strong, value, type Block, type EmailContent } from './email-document.js';
import { factSet, heading, openUrl, paragraph, toPayload, untrusted, untrustedAddress, type TeamsWebhookPayload } from './card-toolkit.js';
import { formatUkDateTime } from './uk-dates.js';
import { clipLine } from './text-escaping.js';

const CAP = { key: 160, organisation: 200, reference: 60, address: 254, person: 120, folder: 200, reason: 300, subjectOrganisation: 150 } as const;

export interface FolderAccessNeededCardInput {
  organisationName: string;
  /** The claim key (`ods:RX1` or `name:…`), as on the new-application card. */
  organisationKey: string;
  reference: string;
  requesterName?: string;
  requesterAddress: string;
  receivedAt: Date;
  folderName: string;
  folderUrl: string;
  listUrl: string;
  /** Why sharing failed, as Graph answered (status and code). */
  reason: string;
  /** Whether weqs may make guests itself (WEQS_CREATE_GUESTS). */
  createsGuests: boolean;
}

/**
 * The one card staff get for an application whose folder weqs could not share: the exact action,
 * with the folder's link. The application itself is open (list item, form, reply).
 */
export function folderAccessNeededCard(input: FolderAccessNeededCardInput): TeamsWebhookPayload {
  const organisation = untrusted(input.organisationName, CAP.organisation);
  // Staff copy this address into the sharing dialog: shown as it is (verified sender), escaped.
  const address = untrustedAddress(input.requesterAddress, CAP.address);
  const folder = untrusted(input.folderName, CAP.folder);
  const name = input.requesterName === undefined ? '' : clipLine(input.requesterName, CAP.person);
  return toPayload(
    [
      heading('New application: share the folder'),
      paragraph(
        `${organisation} asked to apply. weqs set up the evidence folder and application form, added the application to the list and replied, but could not share the folder with the requester. Usually this is because they are not yet a guest of this Microsoft 365 tenant, and weqs cannot invite new guests itself.`,
      ),
      paragraph(`Action: share the folder "${folder}" with ${address} (can edit).`, { spacing: 'Medium' }),
      paragraph(
        input.createsGuests
          ? 'weqs tried to add them as a guest and will keep trying to share the folder. If this card stays true, add them as a guest in Microsoft Entra, or share the folder from SharePoint yourself.'
          : 'Add them as a guest in Microsoft Entra (or share the folder from SharePoint, which invites them). weqs then shares the folder on its next run, and emails the requester when they can open it.',
        { isSubtle: true },
      ),
      factSet([
        ['Reference', untrusted(input.reference, CAP.reference)],
        ['Requested by', name === '' ? address : `${untrusted(name, CAP.person)} (${address})`],
        ['Received', formatUkDateTime(input.receivedAt)],
        ['Folder', folder],
        ['Why', untrusted(input.reason, CAP.reason)],
        ['Organisation key', untrusted(input.organisationKey, CAP.key)],
      ]),
    ],
    [openUrl('Open evidence folder', input.folderUrl), openUrl('Open Applications list', input.listUrl)],
  );
}

export interface FolderAccessReadyEmailInput {
  requesterName?: string;
  organisationName: string;
  reference: string;
  folderUrl: string;
  supportAddress: string;
}

/** Sent once, when the folder the applicant was told about is shared with them. */
export function folderAccessReadyEmail(input: FolderAccessReadyEmailInput): EmailContent {
  const organisation = clipLine(input.organisationName, CAP.organisation);
  const reference = clipLine(input.reference, CAP.reference);
  const subject = `You can now open your evidence folder – ${STANDARD_NAME} – ${clipLine(input.organisationName, CAP.subjectOrganisation)} (${reference})`;
  const blocks: Block[] = [
    h1('You can now open your evidence folder'),
    greeting(input.requesterName),
    p('We have given you access to the private SharePoint folder for the application from ', value(organisation), '.'),
    p(strong('Your application reference is ', value(reference), '.')),
    h2('How to open it'),
    ol(
      item('Select the link below.'),
      item('Sign in with the email address you wrote to us from. If you do not have a Microsoft account for it, Microsoft will email you a code to sign in with.'),
    ),
    link('Open your evidence folder', input.folderUrl),
    p('Everything else in the email that set up your application still applies.'),
    h2('Get help'),
    p('If you cannot open the folder, email ', email(input.supportAddress), '. Please include your reference, ', value(reference), '.'),
    ...signOff(),
  ];
  return render(subject, blocks);
}
