import { parseReviewCalendar } from '../../../src/domain/review-calendar-rows.js';
import type { ApplicationRecord } from '../../../src/domain/application.js';
import { FRAMEWORK_SECTION_TITLES } from '../../../src/domain/criteria-catalogue.js';
import type { CriteriaCatalogue } from '../../../src/domain/criteria-catalogue.js';
import type { EvidenceFile } from '../../../src/domain/evidence-readiness.js';
import type { ReviewRegisterPort } from '../../../src/ports/applications.port.js';
import type { ApplicationClaim, ClaimsPort } from '../../../src/ports/claims.port.js';
import type { ApplicationFolderPort, FolderAccessPort, FolderContents, FolderRole } from '../../../src/ports/evidence-folders.port.js';
import type { DatedOutgoingMailPort } from '../../../src/ports/outgoing-mail.port.js';
import type { JobAction, JobOptions, ReviewDependencies } from '../../../src/workflows/review/review-dependencies.js';
import { Crash, CrashPoints } from './crash-points.js';

/** A catalogue with one criterion a section, as staff might load it. */
export const testCatalogue: CriteriaCatalogue = {
  version: 'test-1',
  source: { kind: 'published', title: 'Test framework' },
  sections: FRAMEWORK_SECTION_TITLES.map((title, index) => ({
    id: ['HO', 'PRE', 'IND', 'DUR', 'REF', 'POST'][index] ?? 'XX',
    title,
    folderName: `${index + 1} ${title}`,
    criteria: [{ id: `C${index + 1}`, text: `Criterion ${index + 1}` }],
  })),
};

export interface SentEmail {
  intent: string;
  to: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  asOf?: Date;
}

export interface ReviewWorldOptions {
  calendarRows: unknown[];
  rows: Partial<ApplicationRecord>[];
  /** What every application's folder holds (the same for each, unless `folders` says otherwise). */
  files?: EvidenceFile[];
  /** What one folder holds instead (its files and uploaded form), by folder id (`folder-1` for the first row). */
  folders?: Record<string, FolderContents>;
}

/**
 * The review jobs' world in memory: every port they use, with the guarantees the real adapters
 * give (an email once per intent, a one-off action skipped once recorded), one application a row,
 * each with its claim and folder, and the same crash switch as the request saga's world: the
 * "process" dies at the n-th port call, before or after its effect.
 */
export class ReviewWorld extends CrashPoints {
  readonly applications: ApplicationRecord[];
  readonly claimsByKey = new Map<string, ApplicationClaim>();
  readonly sent: SentEmail[] = [];
  readonly cards: unknown[] = [];
  /** Register writes, in order: which application and what was recorded. */
  readonly updates: { reference: string; change: string }[] = [];
  readonly concluded: { reference: string; state: string; award?: unknown }[] = [];
  /** The applicant's role on each folder, by folder id. */
  readonly roles = new Map<string, FolderRole>();
  readonly shares: { folderId: string; role: FolderRole; sendInvitation: boolean }[] = [];
  readonly uploads: { folderId: string; name: string }[] = [];
  /** Applicants sharing is refused for (outside the tenant, not guests). */
  readonly outsiders = new Set<string>();
  readonly state = new Map<string, string>();
  calendarRows: unknown[];
  readonly deps: ReviewDependencies;
  private readonly sentIntents = new Set<string>();
  private readonly handedOver = new Map<string, Date>();
  private readonly done = new Set<string>();
  private readonly claimants = new Map<string, string>();

  constructor(private readonly options: ReviewWorldOptions) {
    super();
    this.calendarRows = options.calendarRows;
    this.applications = options.rows.map((row, index) => ({
      id: String(index + 1),
      reference: `WEQS-T-${index + 1}`,
      organisationKey: `org-${index + 1}`,
      organisationName: `Organisation ${index + 1}`,
      requesterAddress: `lead${index + 1}@nhs.example`,
      remindersOff: false,
      status: 'open',
      folderUrl: 'https://weqs.sharepoint.example/sites/WorkExperience/Application%20evidence/Org%20(RZZ)',
      formUrl: 'https://weqs.sharepoint.example/form.docx',
      sourceMessageId: `<request-${index + 1}@nhs.example>`,
      decisionReady: false,
      ...row,
    }));
    for (const application of this.applications) {
      const folderId = `folder-${application.id}`;
      this.roles.set(folderId, application.status === 'in review' || application.status === 'decided' ? 'read' : 'write');
      this.claimsByKey.set(application.organisationKey, {
        organisationKey: application.organisationKey,
        organisationName: application.organisationName,
        sourceMessageKey: `key-${application.id}`,
        requesterAddress: application.requesterAddress,
        receivedAt: '2027-01-04T10:00:00Z',
        state: 'open',
        claimedAt: '2027-01-04T10:00:01Z',
        etag: '1',
        progress: { reference: application.reference, folderId, folderUrl: application.folderUrl ?? '', shared: true, permissionId: `permission-${application.id}` },
      });
    }
    this.deps = {
      calendar: () => this.call('calendar', async () => parseReviewCalendar(this.calendarRows)),
      applications: this.register(),
      claims: this.claims(),
      folders: this.folders(),
      access: this.access(),
      outgoing: this.outgoing(),
      staff: { post: (card) => this.call('staff.post', async () => void this.cards.push(card)) },
      state: {
        get: (name) => this.call('state.get', async () => this.state.get(name)),
        set: (name, value) => this.call('state.set', async () => void this.state.set(name, value)),
      },
      intents: {
        done: (intent) => this.call('intents.done', async () => this.sentIntents.has(intent) || this.done.has(intent)),
        once: (intent, action) =>
          this.call('intents.once', async () => {
            if (this.done.has(intent)) return;
            await action();
            this.done.add(intent);
          }),
        onceAmong: (intent, claimant, action) =>
          this.call('intents.onceAmong', async () => {
            const holder = this.claimants.get(intent) ?? claimant;
            this.claimants.set(intent, holder);
            if (holder !== claimant || this.done.has(intent)) return;
            await action();
            this.done.add(intent);
          }),
      },
      catalogue: () => this.call('catalogue', async () => testCatalogue),
      settings: {
        inboxAddress: 'workexperience@nhs.example',
        listUrl: () => Promise.resolve('https://weqs.sharepoint.example/Lists/Applications'),
        calendarUrl: () => Promise.resolve('https://weqs.sharepoint.example/Lists/Calendar'),
        deadlineReminderOffsets: [28, 14, 7, 1],
        expiryReminderOffsets: [90, 30],
      },
    };
  }

  application(reference: string): ApplicationRecord {
    const found = this.applications.find((candidate) => candidate.reference === reference);
    if (!found) throw new Error(`no application ${reference}`);
    return found;
  }

  /** Staff edit the register (as they do in the list). */
  edit(reference: string, change: Partial<ApplicationRecord>): void {
    Object.assign(this.application(reference), change);
  }

  /** Every email sent, by intent: each must appear once. */
  sentIntentsInOrder(): string[] {
    return this.sent.map((mail) => mail.intent);
  }

  private update(application: ApplicationRecord, change: string, apply: (stored: ApplicationRecord) => void): Promise<void> {
    return this.call('applications.update', async () => {
      const stored = this.application(application.reference);
      apply(stored);
      this.updates.push({ reference: stored.reference, change });
    });
  }

  private register(): ReviewRegisterPort {
    const copy = (list: ApplicationRecord[]): ApplicationRecord[] => list.map((application) => structuredClone(application));
    return {
      withStatus: (...statuses) => this.call('applications.withStatus', async () => copy(this.applications.filter((application) => statuses.includes(application.status)))),
      // SharePoint compares text without regard to case.
      targeting: (cycleId, statuses) =>
        this.call('applications.targeting', async () => copy(this.applications.filter((application) => statuses.includes(application.status) && application.targetCycleId?.toLowerCase() === cycleId.toLowerCase()))),
      withFolderAccessPending: () => this.call('applications.withFolderAccessPending', async () => copy(this.applications.filter((application) => application.folderAccess === 'pending'))),
      setStatus: (application, status) => this.update(application, `status ${status}`, (stored) => (stored.status = status)),
      setTargetCycle: (application, cycleId) => this.update(application, `target ${cycleId ?? 'none'}`, (stored) => (stored.targetCycleId = cycleId)),
      recordFolderAccessGranted: (application) => this.update(application, 'folder access granted', (stored) => (stored.folderAccess = 'granted')),
      recordDecision: (application, decision) =>
        this.update(application, `decided ${decision.sentAt.toISOString()}${decision.awardExpiresOn ? `, expires ${decision.awardExpiresOn}` : ''}`, (stored) => {
          stored.status = 'decided';
          stored.decisionSentOn = decision.sentAt.toISOString();
          if (decision.awardExpiresOn) stored.awardExpiresOn = `${decision.awardExpiresOn}T12:00:00Z`;
        }),
    };
  }

  private claims(): ClaimsPort {
    const unused = (): never => {
      throw new Error('the review jobs do not open applications');
    };
    return {
      claim: unused,
      takeOver: unused,
      reserveFolderName: unused,
      recordFolder: unused,
      markFailed: unused,
      get: (organisationKey) => this.call('claims.get', async () => structuredClone(this.claimsByKey.get(organisationKey))),
      checkpoint: (claim, progress, state = claim.state) =>
        this.call('claims.checkpoint', async () => {
          const current = this.claimsByKey.get(claim.organisationKey);
          if (current?.etag !== claim.etag) throw new Error('412: the claim changed since it was read');
          const saved = { ...current, progress: { ...current.progress, ...progress }, state, etag: String(Number(current.etag) + 1) };
          this.claimsByKey.set(claim.organisationKey, saved);
          return structuredClone(saved);
        }),
      conclude: (organisationKey, reference, state, award) =>
        this.call('claims.conclude', async () => {
          // Only the application the claim is about, and once: as the claims table does.
          const current = this.claimsByKey.get(organisationKey);
          if (current?.progress.reference !== reference || current.state === state) return;
          this.claimsByKey.set(organisationKey, { ...current, state, ...(award ? { award } : {}) });
          this.concluded.push({ reference, state, ...(award ? { award } : {}) });
        }),
    };
  }

  private folders(): ApplicationFolderPort {
    return {
      read: (folderId) => this.call('folders.read', async () => this.options.folders?.[folderId] ?? { files: this.options.files ?? [] }),
      setAccess: (folderId, _email, role) =>
        this.call('folders.setAccess', async () => {
          if (this.roles.get(folderId) === role) return 'unchanged' as const;
          this.roles.set(folderId, role);
          return 'changed' as const;
        }),
      upload: (folderId, name) =>
        this.call('folders.upload', async () => {
          // Replaces a file of the same name, as the library does.
          if (!this.uploads.some((upload) => upload.folderId === folderId && upload.name === name)) this.uploads.push({ folderId, name });
          return { id: `file-${this.uploads.length}`, webUrl: `https://weqs.sharepoint.example/evidence/${folderId}/${encodeURIComponent(name)}` };
        }),
    };
  }

  private access(): FolderAccessPort {
    return {
      sharing: {
        share: (folderId, email, role, options) =>
          this.call('sharing.share', async () => {
            this.shares.push({ folderId, role, sendInvitation: options.sendInvitation });
            if (this.outsiders.has(email)) return { kind: 'refused' as const, status: 400, code: 'invalidRequest', reason: '400 invalidRequest' };
            this.roles.set(folderId, role);
            return { kind: 'granted' as const, permissionId: `permission-again-${folderId}` };
          }),
        changeRole: (folderId, _permissionId, role) =>
          this.call('sharing.changeRole', async () => {
            this.roles.set(folderId, role);
            return 'changed' as const;
          }),
      },
    };
  }

  private outgoing(): DatedOutgoingMailPort {
    return {
      // Once per intent whatever crashes around it: what the sent-mail ledger and Sent Items give.
      sendOnce: (intent, message, options) =>
        this.call('outgoing.sendOnce', async () => {
          if (this.sentIntents.has(intent)) return 'already-sent' as const;
          this.sentIntents.add(intent);
          if (options?.asOf) this.handedOver.set(intent, options.asOf);
          this.sent.push({ intent, to: message.to[0]?.address ?? '', subject: message.subject, text: message.text, ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}), ...(options?.asOf ? { asOf: options.asOf } : {}) });
          return 'sent' as const;
        }),
      handedOverAsOf: (intent) => this.call('outgoing.handedOverAsOf', async () => this.handedOver.get(intent)),
    };
  }
}

export type FakeReview = ReviewWorld;

/** In-memory review dependencies: one application per row, each with a folder of `files`. */
export function fakeReview(options: ReviewWorldOptions): ReviewWorld {
  return new ReviewWorld(options);
}

type Job = (deps: ReviewDependencies, options: JobOptions) => Promise<JobAction[]>;

/** What a world ended with, to compare a run interrupted by crashes with one that was not. */
export function outcomeOf(world: ReviewWorld): unknown {
  // Not the cards: a card is at least once (a crash between posting and recording repeats it) or,
  // among overlapping runs, at most once; emails are exactly once.
  return {
    sent: [...world.sent].map((mail) => mail.intent).sort(),
    applications: world.applications,
    roles: [...world.roles.entries()].sort(),
    claims: [...world.claimsByKey.values()].map((claim) => ({ reference: claim.progress.reference, state: claim.state, award: claim.award, progress: claim.progress })),
    state: [...world.state.entries()],
  };
}

/**
 * Runs a job with the process killed before and after each of its port calls in turn, then the
 * next runs as the timer would make them, and checks each time that every email went at most
 * once and that the world ends as an uninterrupted run leaves it. Returns how many crash points
 * it tried (so a test knows it tested some).
 */
export async function crashAtEveryStep(make: () => ReviewWorld, job: Job, options: JobOptions, expectEqual: (actual: unknown, expected: unknown, label: string) => void): Promise<number> {
  const reference = make();
  await job(reference.deps, options);
  await job(reference.deps, options);
  const steps = reference.calls.length;
  let tried = 0;
  for (let call = 1; call <= steps; call += 1) {
    for (const when of ['before', 'after'] as const) {
      const world = make();
      world.crashAt = { call, when };
      try {
        await job(world.deps, options);
      } catch (error) {
        if (!(error instanceof Crash)) throw error;
      }
      if (!world.crashed) continue;
      tried += 1;
      world.revive();
      await job(world.deps, options);
      await job(world.deps, options);
      const label = `crash ${when} call ${call} (${world.calls[call - 1] ?? '?'})`;
      const intents = world.sentIntentsInOrder();
      expectEqual(new Set(intents).size, intents.length, `${label}: an email went twice`);
      expectEqual(outcomeOf(world), outcomeOf(reference), label);
    }
  }
  return tried;
}

/**
 * A folder ready for review under the test catalogue: the uploaded form with every box filled and
 * naming a document that is there, and a current document in each section.
 */
export function readyFolder(reference: string, modified = new Date('2027-03-01T10:00:00Z')): Promise<FolderContents> {
  // Building and filling a form takes a few hundred milliseconds: once per reference and date.
  const key = `${reference} ${modified.toISOString()}`;
  const made = readyFolders.get(key) ?? buildReadyFolder(reference, modified);
  readyFolders.set(key, made);
  return made;
}

const readyFolders = new Map<string, Promise<FolderContents>>();

async function buildReadyFolder(reference: string, modified: Date): Promise<FolderContents> {
  const { buildApplicationForm } = await import('../../../src/documents/application-form.js');
  const { fillApplicationForm } = await import('../../support/word.js');
  const blank = await buildApplicationForm({ organisationName: 'Example Organisation', reference, requesterName: 'Jo', requesterEmail: 'jo@nhs.example', issuedOn: new Date('2027-01-04T10:00:00Z'), catalogue: testCatalogue, nextDeadline: '18 May 2027' });
  const documents = testCatalogue.sections.map((section) => ({ path: [section.folderName], name: `${section.id} policy.pdf`, lastModified: modified, size: 1000 }));
  const form = fillApplicationForm(
    blank,
    testCatalogue.sections.flatMap((section) => section.criteria.map((criterion) => ({ sectionId: section.id, criterionId: criterion.id, text: `See ${section.id} policy.pdf, pages 2-3.` }))),
  );
  return { files: [{ path: [], name: 'Application form.docx', lastModified: modified, size: form.length }, ...documents], form };
}
