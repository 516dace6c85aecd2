import { parseReviewCalendar } from '../../../src/domain/review-calendar-rows.js';
import { FRAMEWORK_SECTION_TITLES } from '../../../src/domain/criteria-catalogue.js';
import type { CriteriaCatalogue } from '../../../src/domain/criteria-catalogue.js';
import type { EvidenceFile } from '../../../src/domain/evidence-readiness.js';
import type { ApplicationFields, ApplicationItem } from '../../../src/graph/applications-list.js';
import type { ApplicationClaim } from '../../../src/ports/claims.port.js';
import type { ReviewDependencies } from '../../../src/workflows/review/review-dependencies.js';

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

export interface FakeReview {
  deps: ReviewDependencies;
  sent: { to: string; subject: string; text: string }[];
  cards: unknown[];
  updates: { itemId: string; fields: Record<string, unknown> }[];
}

/** In-memory review dependencies: one application per row, each with a folder of `files`. */
export function fakeReview(options: { calendarRows: unknown[]; rows: Partial<ApplicationFields>[]; files?: EvidenceFile[] }): FakeReview {
  const sent: FakeReview['sent'] = [];
  const cards: unknown[] = [];
  const updates: FakeReview['updates'] = [];
  const done = new Set<string>();
  const state = new Map<string, string>();
  const claimants = new Map<string, string>();
  const items: ApplicationItem[] = options.rows.map((row, index) => ({
    id: String(index + 1),
    etag: `"etag-${index + 1}"`,
    webUrl: `https://weqs.sharepoint.example/Lists/Applications/${index + 1}`,
    fields: {
      Title: `Organisation ${index + 1}`,
      Reference: `WEQS-T-${index + 1}`,
      OrganisationKey: `org-${index + 1}`,
      Status: 'Open',
      RequesterEmail: `lead${index + 1}@nhs.example`,
      FolderLink: 'https://weqs.sharepoint.example/sites/WorkExperience/Application%20evidence/Org%20(RZZ)',
      FormLink: 'https://weqs.sharepoint.example/form.docx',
      DecisionReady: false,
      RemindersOff: false,
      ...row,
    } as ApplicationFields,
  }));
  const deps = {
    calendar: () => Promise.resolve(parseReviewCalendar(options.calendarRows)),
    applications: {
      query: () => Promise.resolve(items),
      update: (itemId: string, fields: Record<string, unknown>) => {
        updates.push({ itemId, fields });
        return Promise.resolve();
      },
    },
    claims: {
      get: (organisationKey: string) => {
        const item = items.find((candidate) => candidate.fields.OrganisationKey === organisationKey);
        return Promise.resolve(item ? ({ organisationKey, state: 'open', progress: { reference: item.fields.Reference, folderId: `folder-${item.id}` } } as unknown as ApplicationClaim) : undefined);
      },
      conclude: () => Promise.resolve(),
    },
    folders: {
      read: () => Promise.resolve({ files: options.files ?? [] }),
      setAccess: () => Promise.resolve(),
      upload: () => Promise.resolve(),
    },
    outgoing: {
      handedOverAsOf: () => Promise.resolve(undefined),
      sendOnce: (intent: string, message: { to: { address: string }[]; subject: string; text: string }) => {
        if (done.has(intent)) return Promise.resolve('already-sent');
        done.add(intent);
        sent.push({ to: message.to[0]?.address ?? '', subject: message.subject, text: message.text });
        return Promise.resolve('sent');
      },
    },
    staff: {
      post: (card: unknown) => {
        cards.push(card);
        return Promise.resolve();
      },
    },
    state: {
      get: (name: string) => Promise.resolve(state.get(name)),
      set: (name: string, value: string) => {
        state.set(name, value);
        return Promise.resolve();
      },
    },
    intents: {
      done: (intent: string) => Promise.resolve(done.has(intent)),
      once: async (intent: string, action: () => Promise<void>) => {
        if (done.has(intent)) return;
        await action();
        done.add(intent);
      },
      onceAmong: async (intent: string, claimant: string, action: () => Promise<void>) => {
        const holder = claimants.get(intent) ?? claimants.set(intent, claimant).get(intent);
        if (holder !== claimant || done.has(intent)) return;
        await action();
        done.add(intent);
      },
    },
    catalogue: () => Promise.resolve(testCatalogue),
    settings: {
      inboxAddress: 'workexperience@nhs.example',
      listUrl: () => Promise.resolve('https://weqs.sharepoint.example/Lists/Applications'),
      calendarUrl: () => Promise.resolve('https://weqs.sharepoint.example/Lists/Calendar'),
      deadlineReminderOffsets: [28, 14, 7, 1],
      expiryReminderOffsets: [90, 30],
    },
  } as unknown as ReviewDependencies;
  return { deps, sent, cards, updates };
}
