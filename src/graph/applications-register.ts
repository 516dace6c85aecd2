import type { Application, NewApplication } from '../domain/application.js';
import type { ApplicationsPort } from '../ports/applications.port.js';
import { applicationRowSchema } from './applications-list.js';
import type { ApplicationItem, ApplicationRow, ApplicationsList } from './applications-list.js';
import { odata } from './odata-filter.js';

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

/** The staff Applications list as the workflows' register of applications. */
export class ApplicationsRegister implements ApplicationsPort {
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
}
