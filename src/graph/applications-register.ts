import type { Application, ApplicationRecord, ApplicationStatus, AwardDecision, NewApplication } from '../domain/application.js';
import type { ApplicationsPort, RecordedDecision, ReviewRegisterPort } from '../ports/applications.port.js';
import { applicationRowSchema } from './applications-list.js';
import type { ApplicationFields, ApplicationItem, ApplicationRow, ApplicationsList, ApplicationStatus as ListStatus } from './applications-list.js';
import { anyOf, odata } from './odata-filter.js';
import type { ODataFilter } from './odata-filter.js';

/** The list's Status choice for each state: staff's own words. */
const listStatus: Record<ApplicationStatus, ListStatus> = {
  open: 'Open',
  'in review': 'In review',
  'information requested': 'Information requested',
  decided: 'Decided',
  withdrawn: 'Withdrawn',
  expired: 'Expired',
};

const awardDecision: Record<NonNullable<ApplicationFields['Award']>, AwardDecision> = { Gold: 'gold', Silver: 'silver', Bronze: 'bronze', 'Not awarded': 'not-awarded' };

/** Filters on the indexed Status column only (https://learn.microsoft.com/troubleshoot/sharepoint/lists-and-libraries/items-exceeds-list-view-threshold). */
function statusFilter(statuses: readonly [ApplicationStatus, ...ApplicationStatus[]]): ODataFilter {
  return anyOf(...statuses.map((status) => odata`fields/Status eq ${listStatus[status]}`));
}

/** The Applications list row of a new application: SharePoint's column names stay on this side. */
export function applicationRowOf(application: NewApplication): ApplicationRow {
  return {
    Title: application.organisationName,
    Reference: application.reference,
    OrganisationKey: application.organisationKey,
    ...(application.odsCode ? { OdsCode: application.odsCode } : {}),
    Status: 'Open',
    ...(application.targetCycleId ? { TargetCycle: application.targetCycleId } : {}),
    ...(application.requesterName ? { RequesterName: application.requesterName } : {}),
    RequesterEmail: application.requesterAddress,
    FolderLink: application.folderUrl,
    FormLink: application.formUrl,
    ReceivedOn: application.receivedAt,
    SourceMessageId: application.sourceMessageId,
    ...(application.folderAccess ? { FolderAccess: application.folderAccess === 'pending' ? 'Pending' : 'Granted' } : {}),
  };
}

export function applicationOf(item: ApplicationItem): Application {
  return {
    id: item.id,
    reference: item.fields.Reference,
    organisationKey: item.fields.OrganisationKey,
    organisationName: item.fields.Title,
    ...(item.fields.OdsCode ? { odsCode: item.fields.OdsCode } : {}),
    requesterAddress: item.fields.RequesterEmail,
    ...(item.fields.RequesterName ? { requesterName: item.fields.RequesterName } : {}),
    remindersOff: item.fields.RemindersOff,
  };
}

/** A row as the review jobs read it: what staff recorded, under names that say what it means. */
export function applicationRecordOf(item: ApplicationItem): ApplicationRecord {
  const { fields } = item;
  return {
    ...applicationOf(item),
    status: fields.Status.toLowerCase() as ApplicationStatus,
    targetCycleId: fields.TargetCycle,
    folderUrl: fields.FolderLink,
    formUrl: fields.FormLink,
    receivedAt: fields.ReceivedOn,
    sourceMessageId: fields.SourceMessageId,
    award: fields.Award ? awardDecision[fields.Award] : undefined,
    decisionNotes: fields.DecisionNotes,
    decisionReady: fields.DecisionReady,
    decisionSentOn: fields.DecisionSentOn,
    awardExpiresOn: fields.AwardExpiresOn,
    informationRequest: fields.InformationRequest,
    informationDueOn: fields.InformationDueOn,
    folderAccess: fields.FolderAccess === 'Pending' ? 'pending' : fields.FolderAccess === 'Granted' ? 'granted' : undefined,
  };
}

/** The staff Applications list as the workflows' register of applications. */
export class ApplicationsRegister implements ApplicationsPort, ReviewRegisterPort {
  constructor(private readonly list: Pick<ApplicationsList, 'createOnce' | 'query' | 'update'>) {}

  refusalOf(application: NewApplication): string | undefined {
    const checked = applicationRowSchema.safeParse(applicationRowOf(application));
    return checked.success ? undefined : checked.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
  }

  createOnce(application: NewApplication): Promise<{ id: string; webUrl: string }> {
    return this.list.createOnce(applicationRowOf(application));
  }

  /** Rows staff have broken (an unknown status, no reference) are not found, as the list's queries skip them. */
  async findByReference(reference: string): Promise<Application | undefined> {
    const [item] = await this.list.query(odata`fields/Reference eq ${reference}`);
    return item ? applicationOf(item) : undefined;
  }

  async setRemindersOff(application: Application, off: boolean): Promise<void> {
    await this.list.update(application.id, { RemindersOff: off });
  }

  async withStatus(...statuses: [ApplicationStatus, ...ApplicationStatus[]]): Promise<ApplicationRecord[]> {
    return (await this.list.query(statusFilter(statuses))).map(applicationRecordOf);
  }

  async targeting(cycleId: string, statuses: readonly [ApplicationStatus, ...ApplicationStatus[]]): Promise<ApplicationRecord[]> {
    return (await this.list.query(odata`${statusFilter(statuses)} and fields/TargetCycle eq ${cycleId}`)).map(applicationRecordOf);
  }

  async withFolderAccessPending(): Promise<ApplicationRecord[]> {
    return (await this.list.query(odata`fields/FolderAccess eq ${'Pending'}`)).map(applicationRecordOf);
  }

  async setStatus(application: ApplicationRecord, status: ApplicationStatus): Promise<void> {
    await this.list.update(application.id, { Status: listStatus[status] });
  }

  async setTargetCycle(application: ApplicationRecord, cycleId: string | undefined): Promise<void> {
    await this.list.update(application.id, { TargetCycle: cycleId ?? null });
  }

  async recordFolderAccessGranted(application: ApplicationRecord): Promise<void> {
    await this.list.update(application.id, { FolderAccess: 'Granted' });
  }

  async recordDecision(application: ApplicationRecord, decision: RecordedDecision): Promise<void> {
    // A date-only column: noon UTC is the same calendar day in the UK all year.
    await this.list.update(application.id, { Status: 'Decided', DecisionSentOn: decision.sentAt.toISOString(), ...(decision.awardExpiresOn ? { AwardExpiresOn: `${decision.awardExpiresOn}T12:00:00Z` } : {}) });
  }
}
