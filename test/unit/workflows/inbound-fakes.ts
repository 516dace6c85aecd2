import { readFileSync } from 'node:fs';
import { frameworkSectionsCatalogue } from '../../../src/domain/criteria-catalogue.js';
import type { InboundOutcome } from '../../../src/domain/inbound-outcome.js';
import { keyDigest } from '../../../src/domain/key-digest.js';
import { OrganisationDirectory } from '../../../src/domain/organisation-directory.js';
import type { OrganisationRecord } from '../../../src/domain/organisation-record.js';
import { parseReviewCalendar } from '../../../src/domain/review-calendar-rows.js';
import type { Application, NewApplication } from '../../../src/domain/application.js';
import { ApplicationsRegister } from '../../../src/graph/applications-register.js';
import type { ApplicationsPort } from '../../../src/ports/applications.port.js';
import { claimIdentity } from '../../../src/ports/claims.port.js';
import type { ApplicationClaim, ClaimsPort, ClaimResult } from '../../../src/ports/claims.port.js';
import type { EvidenceFoldersPort, FolderAccessPort, ProvisionedFolder } from '../../../src/ports/evidence-folders.port.js';
import type { InboundLedgerPort, InboundRecord } from '../../../src/ports/inbound-ledger.port.js';
import type { InboxEmail, MailboxPort } from '../../../src/ports/mailbox.port.js';
import type { OutgoingMailPort, OutgoingMessage, SendResult } from '../../../src/ports/outgoing-mail.port.js';
import type { ReplyAllowanceDecision, ReplyLimitsPort } from '../../../src/ports/reply-limits.port.js';
import type { Attempt, HandledEmail, InboundDependencies, InboundResult } from '../../../src/workflows/handle-inbound-message.js';
import { handleInboundMessage } from '../../../src/workflows/handle-inbound-message.js';
import type { InboundMessageReference } from '../../../src/workflows/receive-notifications.js';

import { Crash, CrashPoints } from './crash-points.js';

export { Crash };

export const inboxAddress = 'workexperience@weqs.example';
/** What Exchange Online adds for mail whose domain vouched for it (no authserv-id: our own service). */
export const passingAuthentication = 'spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=trust.nhs.example; dkim=pass (signature was verified) header.d=trust.nhs.example;dmarc=pass action=none header.from=trust.nhs.example;compauth=pass reason=100';
export const failingAuthentication = 'spf=fail (sender IP is 203.0.113.5) smtp.mailfrom=trust.nhs.example; dkim=none (message not signed) header.d=none;dmarc=fail action=oreject header.from=trust.nhs.example;compauth=fail reason=000';

/** Fictional organisations (codes and postcodes that do not exist). */
export const organisations: OrganisationRecord[] = [
  { odsCode: 'RZZ', name: 'NORTHSHIRE TEACHING HOSPITALS NHS TRUST', kind: 'trust', postcode: 'ZZ1 1AA' },
  { odsCode: 'RZY', name: 'EAST WESTSHIRE NHS FOUNDATION TRUST', kind: 'trust', postcode: 'ZZ5 1AA' },
  { odsCode: 'Z00001', name: 'CASTLE MEDICAL CENTRE', kind: 'gp-practice', postcode: 'ZZ2 1AA' },
  { odsCode: 'Z00002', name: 'CASTLE MEDICAL CENTRE', kind: 'gp-practice', postcode: 'ZZ3 1AA' },
];

const exampleCalendar = parseReviewCalendar(JSON.parse(readFileSync(new URL('../../../config/examples/review-calendar.example.json', import.meta.url), 'utf8')) as unknown[]).cycles;

export const requestSubject = (name: string): string => `Work Experience Quality Standard – ${name}`;

interface LedgerEntry extends InboundRecord {
  leaseOwner?: string;
  leaseUntil?: number;
}

interface Folder extends ProvisionedFolder {
  createdBy: number;
}

export interface Effects {
  /** Every email sent, by intent. */
  sent: { intent: string; message: OutgoingMessage }[];
  cards: unknown[];
  folders: Folder[];
  applications: (NewApplication & { id: string })[];
  references: string[];
}

/**
 * The request saga's world in memory: every port the saga uses, with the guarantees the real
 * adapters give (one claim per organisation, a send once per intent, a folder made once at its
 * name), and a switch that kills the "process" at the n-th port call, before or after its effect.
 */
export class InboundWorld extends CrashPoints {
  now = new Date('2027-03-02T10:00:00Z');
  /** What every send returns while set, instead of sending (an unsettled send, a full sending rate, another worker). */
  sendResult: Exclude<SendResult, 'sent' | 'already-sent'> | undefined;
  readonly leaseMs = 60_000;
  readonly emails = new Map<string, InboxEmail>();
  readonly ledgerEntries = new Map<string, LedgerEntry>();
  readonly claimsByKey = new Map<string, ApplicationClaim>();
  readonly effects: Effects = { sent: [], cards: [], folders: [], applications: [], references: [] };
  /** Names already in the evidence library that weqs did not make. */
  readonly foreignFolderNames = new Set<string>();
  /** Applicants sharing is refused for (outside the tenant, not guests). */
  readonly outsiders = new Set<string>();
  replyDecision: (address: string) => ReplyAllowanceDecision = () => ({ allowed: true, firstContact: true });
  private sequence = 0;
  private readonly once = new Set<string>();
  private readonly onceClaimed = new Map<string, string>();
  private readonly reservedNames = new Map<string, string>();
  private readonly recordedFolders = new Map<string, string>();
  private readonly replyDecisions = new Map<string, ReplyAllowanceDecision>();
  private readonly register: ApplicationsRegister;
  readonly deps: InboundDependencies;

  constructor(settings: Partial<InboundDependencies['settings']> = {}) {
    super();
    this.register = new ApplicationsRegister({ createOnce: () => Promise.reject(new Error('unused')), query: () => Promise.reject(new Error('unused')), update: () => Promise.reject(new Error('unused')) });
    const directory = OrganisationDirectory.build(organisations, [], { asOf: this.now });
    this.deps = {
      mailbox: this.mailbox(),
      ledger: this.ledger(),
      claims: this.claims(),
      directory: () => this.call('directory', async () => directory),
      references: { next: (year) => this.call('references.next', async () => this.nextReference(year)) },
      evidence: this.evidence(),
      access: this.access(),
      applications: this.applications(),
      outgoing: this.outgoing(),
      staff: { post: (card) => this.call('staff.post', async () => void this.effects.cards.push(card)) },
      replies: this.replies(),
      onceAmong: (intent, claimant, action) =>
        this.call('onceAmong', async () => {
          const holder = this.onceClaimed.get(intent) ?? claimant;
          this.onceClaimed.set(intent, holder);
          if (holder !== claimant || this.once.has(intent)) return;
          await action();
          this.once.add(intent);
        }),
      once: (intent, action) =>
        this.call('once', async () => {
          if (this.once.has(intent)) return;
          await action();
          this.once.add(intent);
        }),
      catalogue: () => this.call('catalogue', async () => frameworkSectionsCatalogue()),
      calendar: () => this.call('calendar', async () => exampleCalendar),
      listUrl: () => this.call('listUrl', async () => 'https://weqs.sharepoint.example/Lists/Applications'),
      settings: { inboxAddress, referencePrefix: 'WEQS', ...settings },
      now: () => this.now,
    };
  }

  /** A new process: nothing crashes any more, and a dead worker's lease has lapsed. */
  override revive(): void {
    super.revive();
    this.now = new Date(this.now.getTime() + this.leaseMs + 1000);
  }

  deliver(email: { subject: string; from?: { name?: string; address: string }; authentication?: string | null; headers?: { name: string; value: string }[]; receivedAt?: string }): InboxEmail {
    this.sequence += 1;
    const message: InboxEmail = {
      id: `message-${this.sequence}`,
      internetMessageId: `<message-${this.sequence}@trust.nhs.example>`,
      conversationId: `conversation-${this.sequence}`,
      subject: email.subject,
      from: email.from ?? { name: 'Jo Bloggs', address: 'jo.bloggs@trust.nhs.example' },
      receivedAt: email.receivedAt ?? new Date(this.now.getTime() - 60_000).toISOString(),
      categories: [],
      headers: [
        { name: 'Received', value: 'from mail.trust.nhs.example by EXCH.outlook.com' },
        ...(email.authentication === null ? [] : [{ name: 'Authentication-Results', value: email.authentication ?? passingAuthentication }]),
        ...(email.headers ?? []),
      ],
    };
    this.emails.set(message.id, message);
    return message;
  }

  reference(email: InboxEmail): InboundMessageReference {
    return { kind: 'inbox-message', messageId: email.id, source: 'notification', notifiedAt: this.now.toISOString() };
  }

  /** One attempt at the email, as the queue function sees it: handled, or put off. */
  attempt(email: InboxEmail, attempt: Partial<Attempt> = {}): Promise<InboundResult> {
    this.sequence += 1;
    return handleInboundMessage(this.reference(email), this.deps, { owner: `worker-${this.sequence}`, final: false, ...attempt });
  }

  /** One attempt that must end in an outcome: being put off fails the test. */
  async handle(email: InboxEmail, attempt: Partial<Attempt> = {}): Promise<HandledEmail> {
    const result = await this.attempt(email, attempt);
    if (result.kind === 'later') throw new Error(`expected an outcome, but the email was put off (${result.reason}): ${result.detail}`);
    const { kind: _kind, ...handled } = result;
    return handled;
  }

  /** What the queue does: handles the email again after each crash or deferral until it has an outcome. */
  async handleUntilDone(email: InboxEmail, rounds = 6): Promise<HandledEmail> {
    for (let round = 1; ; round += 1) {
      try {
        const result = await this.attempt(email);
        if (result.kind === 'handled') {
          const { kind: _kind, ...handled } = result;
          return handled;
        }
        if (round >= rounds) throw new Error(`still put off after ${rounds} rounds (${result.reason})`);
        this.now = new Date(this.now.getTime() + result.delaySeconds * 1000);
      } catch (error) {
        if (round >= rounds || !(error instanceof Crash)) throw error;
        this.revive();
      }
    }
  }

  outcomeOf(email: InboxEmail): InboundOutcome | undefined {
    return this.ledgerEntries.get(keyDigest(email.internetMessageId))?.outcome;
  }

  categoriesOf(email: InboxEmail): string[] {
    return this.emails.get(email.id)?.categories ?? [];
  }

  /** Seeds a claim as an earlier application left it. */
  seedClaim(claim: Omit<ApplicationClaim, 'etag' | 'claimedAt'> & { claimedAt?: string }): void {
    this.claimsByKey.set(claim.organisationKey, { claimedAt: claim.receivedAt, ...claim, etag: 'seeded' });
  }

  seedApplication(application: NewApplication & { remindersOff?: boolean }): Application {
    const id = `item-${this.effects.applications.length + 1}`;
    this.effects.applications.push({ ...application, id });
    this.remindersOff.set(application.reference, application.remindersOff ?? false);
    return this.applicationOf(this.effects.applications.at(-1) as NewApplication & { id: string });
  }

  readonly remindersOff = new Map<string, boolean>();

  private applicationOf(entry: NewApplication & { id: string }): Application {
    return {
      id: entry.id,
      reference: entry.reference,
      organisationKey: entry.organisationKey,
      organisationName: entry.organisationName,
      requesterAddress: entry.requesterAddress,
      ...(entry.requesterName ? { requesterName: entry.requesterName } : {}),
      ...(entry.odsCode ? { odsCode: entry.odsCode } : {}),
      remindersOff: this.remindersOff.get(entry.reference) ?? false,
    };
  }

  private nextReference(year: number): string {
    const reference = `WEQS-${year}-${String(this.effects.references.length + 1).padStart(4, '0')}`;
    this.effects.references.push(reference);
    return reference;
  }

  private mailbox(): MailboxPort {
    const unused = (): never => {
      throw new Error('the saga does not draft or send itself: outgoing mail does');
    };
    return {
      address: inboxAddress,
      getEmail: (id) => this.call('mailbox.getEmail', async () => structuredClone(this.emails.get(id))),
      setCategories: (id, categories) =>
        this.call('mailbox.setCategories', async () => {
          const email = this.emails.get(id);
          if (email) email.categories = [...categories];
        }),
      draftReply: unused,
      draftMessage: unused,
      discardDraft: unused,
      discardIfDraft: unused,
      draftsWithIntent: unused,
      sendDraft: unused,
      sentItemWithIntent: unused,
      inboxDelta: unused,
    };
  }

  private ledger(): InboundLedgerPort {
    const record = ({ leaseOwner: _owner, leaseUntil: _until, ...entry }: LedgerEntry): InboundRecord => structuredClone(entry);
    return {
      keyFor: (internetMessageId) => keyDigest(internetMessageId),
      begin: (key, facts, owner, now) =>
        this.call('ledger.begin', async () => {
          const existing = this.ledgerEntries.get(key);
          const leaseUntil = now.getTime() + this.leaseMs;
          if (!existing) {
            const entry: LedgerEntry = { key, ...facts, state: 'processing', attempts: 1, updatedAt: now.toISOString(), etag: '1', leaseOwner: owner, leaseUntil };
            this.ledgerEntries.set(key, entry);
            return { kind: 'acquired', record: record(entry) };
          }
          if (existing.state === 'done') return { kind: 'done', record: record(existing) };
          if (existing.leaseOwner && existing.leaseOwner !== owner && (existing.leaseUntil ?? 0) > now.getTime()) return { kind: 'busy', record: record(existing) };
          Object.assign(existing, { leaseOwner: owner, leaseUntil, attempts: existing.attempts + 1, updatedAt: now.toISOString() });
          return { kind: 'acquired', record: record(existing) };
        }),
      finish: (entry, outcome, details, now) =>
        this.call('ledger.finish', async () => {
          const existing = this.ledgerEntries.get(entry.key);
          if (!existing) throw new Error('finishing an email the ledger does not hold');
          const { leaseOwner: _owner, leaseUntil: _until, ...rest } = existing;
          this.ledgerEntries.set(entry.key, { ...rest, ...details, state: 'done', outcome, updatedAt: now.toISOString() });
        }),
      release: (entry, detail, now) =>
        this.call('ledger.release', async () => {
          const existing = this.ledgerEntries.get(entry.key);
          if (!existing) return;
          const { leaseOwner: _owner, leaseUntil: _until, ...rest } = existing;
          this.ledgerEntries.set(entry.key, { ...rest, detail, updatedAt: now.toISOString() });
        }),
      get: (key) => this.call('ledger.get', async () => { const entry = this.ledgerEntries.get(key); return entry ? record(entry) : undefined; }),
    };
  }

  private claims(): ClaimsPort {
    const store = this.claimsByKey;
    let etag = 0;
    const saved = (claim: ApplicationClaim): ApplicationClaim => {
      etag += 1;
      const stored = { ...structuredClone(claim), etag: `claim-${etag}` };
      store.set(claim.organisationKey, stored);
      return structuredClone(stored);
    };
    const own = (names: Map<string, string>, value: string, claim: ApplicationClaim): 'mine' | 'taken' => {
      const holder = names.get(value) ?? claimIdentity(claim);
      names.set(value, holder);
      return holder === claimIdentity(claim) ? 'mine' : 'taken';
    };
    return {
      claim: (request, now) =>
        this.call('claims.claim', async (): Promise<ClaimResult> => {
          const existing = store.get(request.organisationKey);
          if (existing) return existing.sourceMessageKey === request.sourceMessageKey ? { kind: 'resumed', claim: structuredClone(existing) } : { kind: 'held-by-other', claim: structuredClone(existing) };
          return { kind: 'claimed', claim: saved({ ...request, state: 'provisioning', progress: {}, claimedAt: now.toISOString(), etag: '' }) };
        }),
      takeOver: (previous, request, now) =>
        this.call('claims.takeOver', async () => {
          if (store.get(request.organisationKey)?.etag !== previous.etag) return undefined;
          return saved({ ...request, state: 'provisioning', progress: {}, claimedAt: now.toISOString(), etag: '' });
        }),
      conclude: () => this.call('claims.conclude', async () => undefined),
      checkpoint: (claim, progress, state = claim.state) =>
        this.call('claims.checkpoint', async () => {
          const current = store.get(claim.organisationKey);
          // Conditional on the eTag, as the table's update is.
          if (current?.etag !== claim.etag) throw new Error('412: the claim changed since it was read');
          return saved({ ...current, progress: { ...current.progress, ...progress }, state });
        }),
      get: (organisationKey) => this.call('claims.get', async () => structuredClone(store.get(organisationKey))),
      reserveFolderName: (claim, folderName) => this.call('claims.reserveFolderName', async () => (own(this.reservedNames, folderName.normalize('NFC').toLowerCase(), claim) === 'mine' ? 'reserved' : 'taken')),
      recordFolder: (claim, folderId) => this.call('claims.recordFolder', async () => (own(this.recordedFolders, folderId, claim) === 'mine' ? 'recorded' : 'taken')),
      markFailed: (organisationKey, sourceMessageKey) =>
        this.call('claims.markFailed', async () => {
          const current = store.get(organisationKey);
          if (current && current.sourceMessageKey === sourceMessageKey && current.state === 'provisioning') saved({ ...current, state: 'failed' });
        }),
    };
  }

  private evidence(): EvidenceFoldersPort {
    const at = (name: string): Folder | undefined => this.effects.folders.find((folder) => folder.folderName.toLowerCase() === name.toLowerCase());
    return {
      exists: (folderName) => this.call('evidence.exists', async () => at(folderName) !== undefined || [...this.foreignFolderNames].some((name) => name.toLowerCase() === folderName.toLowerCase())),
      provision: (plan) =>
        this.call('evidence.provision', async () => {
          // A folder already at the name is an earlier attempt's (the name is reserved for this application).
          const existing = at(plan.folderName);
          if (existing) return existing;
          const id = this.effects.folders.length + 1;
          const sharing = this.outsiders.has(plan.requesterEmail) ? { kind: 'refused' as const, status: 400, reason: 'the applicant is not a member or guest of the tenant' } : { kind: 'granted' as const, permissionId: `permission-${id}` };
          const folder: Folder = { folderName: plan.folderName, folderId: `folder-${id}`, folderUrl: `https://weqs.sharepoint.example/evidence/${id}`, formItemId: `form-${id}`, formUrl: `https://weqs.sharepoint.example/evidence/${id}/form.docx`, sharing, createdBy: this.calls.length };
          this.effects.folders.push(folder);
          return folder;
        }),
    };
  }

  private access(): FolderAccessPort {
    return {
      sharing: {
        share: () => this.call('sharing.share', async () => ({ kind: 'granted' as const, permissionId: 'permission-again' })),
        changeRole: () => this.call('sharing.changeRole', async () => 'changed' as const),
      },
    };
  }

  private applications(): ApplicationsPort {
    return {
      refusalOf: (application) => this.register.refusalOf(application),
      createOnce: (application) =>
        this.call('applications.createOnce', async () => {
          const existing = this.effects.applications.find((entry) => entry.reference === application.reference);
          if (existing) return { id: existing.id, webUrl: `https://weqs.sharepoint.example/Lists/Applications/${existing.id}` };
          const id = `item-${this.effects.applications.length + 1}`;
          this.effects.applications.push({ ...application, id });
          return { id, webUrl: `https://weqs.sharepoint.example/Lists/Applications/${id}` };
        }),
      findByReference: (reference) =>
        this.call('applications.findByReference', async () => {
          const entry = this.effects.applications.find((candidate) => candidate.reference === reference);
          return entry ? this.applicationOf(entry) : undefined;
        }),
      setRemindersOff: (application, off) => this.call('applications.setRemindersOff', async () => void this.remindersOff.set(application.reference, off)),
    };
  }

  private outgoing(): OutgoingMailPort {
    return {
      sendOnce: (intent, message) =>
        this.call('outgoing.sendOnce', async () => {
          if (this.sendResult) return this.sendResult;
          if (this.effects.sent.some((sent) => sent.intent === intent)) return 'already-sent';
          this.effects.sent.push({ intent, message: structuredClone(message) });
          return 'sent';
        }),
    };
  }

  private replies(): ReplyLimitsPort {
    return {
      // Decided once per email, as the real allowance keeps its decision for the email's retries.
      decide: (emailKey, address) =>
        this.call('replies.decide', async () => {
          const decision = this.replyDecisions.get(emailKey) ?? this.replyDecision(address);
          this.replyDecisions.set(emailKey, decision);
          return decision;
        }),
    };
  }
}
