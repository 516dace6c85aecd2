import { describe, expect, it } from 'vitest';
import { applicationRecordOf, ApplicationsRegister } from '../../../src/graph/applications-register.js';
import type { ApplicationFields, ApplicationItem, ApplicationsList } from '../../../src/graph/applications-list.js';
import type { ODataFilter } from '../../../src/graph/odata-filter.js';

/** A row as staff left it: SharePoint's column names stay in the adapter. */
const item = (fields: Partial<ApplicationFields>): ApplicationItem => ({
  id: '12',
  etag: '"3"',
  webUrl: 'https://weqs.sharepoint.example/Lists/Applications/12',
  fields: { Title: 'Northshire Hospice', Reference: 'WEQS-2027-0012', OrganisationKey: 'ods:RZZ', Status: 'Open', RequesterEmail: 'jo@nhs.example', DecisionReady: false, RemindersOff: false, ...fields } as ApplicationFields,
});

function register(rows: ApplicationItem[] = []) {
  const filters: string[] = [];
  const updates: { id: string; fields: Record<string, unknown> }[] = [];
  const list: Pick<ApplicationsList, 'createOnce' | 'query' | 'update'> = {
    createOnce: () => Promise.reject(new Error('unused')),
    query: (filter: ODataFilter) => {
      filters.push(filter.text);
      return Promise.resolve(rows);
    },
    update: (id, fields) => {
      updates.push({ id, fields });
      return Promise.resolve();
    },
  };
  return { register: new ApplicationsRegister(list), filters, updates };
}

describe('the Applications list as the review jobs\' register', () => {
  it('reads a row under names that say what each value means', () => {
    const record = applicationRecordOf(
      item({ Status: 'Information requested', TargetCycle: 'c1', OdsCode: 'RZZ', RequesterName: 'Jo', FolderLink: 'https://f', FormLink: 'https://g', ReceivedOn: '2027-01-04T10:00:00Z', SourceMessageId: '<m@x>', Award: 'Not awarded', DecisionNotes: 'n', DecisionReady: true, DecisionSentOn: '2027-08-02T11:00:00Z', AwardExpiresOn: '2029-08-02T12:00:00Z', InformationRequest: 'r', InformationDueOn: '2027-07-09T12:00:00Z', FolderAccess: 'Pending', RemindersOff: true }),
    );
    expect(record).toEqual({
      id: '12',
      reference: 'WEQS-2027-0012',
      organisationKey: 'ods:RZZ',
      organisationName: 'Northshire Hospice',
      odsCode: 'RZZ',
      requesterAddress: 'jo@nhs.example',
      requesterName: 'Jo',
      remindersOff: true,
      status: 'information requested',
      targetCycleId: 'c1',
      folderUrl: 'https://f',
      formUrl: 'https://g',
      receivedAt: '2027-01-04T10:00:00Z',
      sourceMessageId: '<m@x>',
      award: 'not-awarded',
      decisionNotes: 'n',
      decisionReady: true,
      decisionSentOn: '2027-08-02T11:00:00Z',
      awardExpiresOn: '2029-08-02T12:00:00Z',
      informationRequest: 'r',
      informationDueOn: '2027-07-09T12:00:00Z',
      folderAccess: 'pending',
    });
    expect(applicationRecordOf(item({ Award: 'Gold', FolderAccess: 'Granted' }))).toMatchObject({ award: 'gold', folderAccess: 'granted', status: 'open' });
  });

  it('filters on the indexed columns only, quoting values', async () => {
    const { register: applications, filters } = register([item({})]);
    expect(await applications.withStatus('open', 'decided')).toHaveLength(1);
    await applications.withStatus('in review');
    await applications.targeting('c1', ['open']);
    await applications.targeting("o'c", ['open', 'in review', 'information requested']);
    await applications.withFolderAccessPending();
    expect(filters).toEqual([
      "(fields/Status eq 'Open') or (fields/Status eq 'Decided')",
      "fields/Status eq 'In review'",
      "(fields/Status eq 'Open') and fields/TargetCycle eq 'c1'",
      "((fields/Status eq 'Open') or (fields/Status eq 'In review') or (fields/Status eq 'Information requested')) and fields/TargetCycle eq 'o''c'",
      "fields/FolderAccess eq 'Pending'",
    ]);
  });

  it('records what the jobs decide in staff\'s columns', async () => {
    const { register: applications, updates } = register();
    const record = applicationRecordOf(item({}));
    await applications.setStatus(record, 'in review');
    await applications.setTargetCycle(record, undefined);
    await applications.setTargetCycle(record, 'c2');
    await applications.recordFolderAccessGranted(record);
    await applications.recordDecision(record, { sentAt: new Date('2027-08-02T11:00:00Z'), awardExpiresOn: '2029-08-02' });
    await applications.recordDecision(record, { sentAt: new Date('2027-08-02T11:00:00Z') });
    expect(updates.map((update) => update.fields)).toEqual([
      { Status: 'In review' },
      { TargetCycle: null },
      { TargetCycle: 'c2' },
      { FolderAccess: 'Granted' },
      { Status: 'Decided', DecisionSentOn: '2027-08-02T11:00:00.000Z', AwardExpiresOn: '2029-08-02T12:00:00Z' },
      { Status: 'Decided', DecisionSentOn: '2027-08-02T11:00:00.000Z' },
    ]);
    expect(updates.every((update) => update.id === '12')).toBe(true);
  });
});
