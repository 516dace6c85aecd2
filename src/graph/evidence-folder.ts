import type { Client } from '@microsoft/microsoft-graph-client';
import { PageIterator, ResponseType } from '@microsoft/microsoft-graph-client';
import type { DriveItem, Permission } from '@microsoft/microsoft-graph-types';
import { documentDate } from '../documents/document-date.js';
import type { EvidenceFile } from '../domain/evidence-readiness.js';
import type { ApplicationFolderPort, FolderContents } from '../ports/evidence-folders.port.js';
import { Semaphore } from './semaphore.js';
import type { SiteContext } from './site-context.js';

export type { FolderContents };

/** Only these carry a date of their own that documentDate can read. */
const datedExtensions = /\.(docx|docm|xlsx|xlsm|pptx|pptm|pdf)$/i;
const maxDownloadBytes = 20 * 1024 * 1024;

/**
 * An organisation's evidence folder: what is in it (recursively, page by page) and who may edit it.
 * https://learn.microsoft.com/graph/api/driveitem-list-children
 */
export class EvidenceFolder implements ApplicationFolderPort {
  private readonly downloads = new Semaphore(4);

  constructor(
    private readonly graph: Client,
    private readonly site: () => Promise<SiteContext>,
  ) {}

  private async children(driveId: string, folderId: string): Promise<DriveItem[]> {
    const first = (await this.graph
      .api(`/drives/${driveId}/items/${folderId}/children`)
      .select(['id', 'name', 'size', 'lastModifiedDateTime', 'file', 'folder'])
      .top(200)
      .get()) as { value: DriveItem[] };
    const items: DriveItem[] = [];
    await new PageIterator(this.graph, first, (item: DriveItem) => {
      items.push(item);
      return true;
    }).iterate();
    return items;
  }

  private async download(driveId: string, itemId: string): Promise<Uint8Array> {
    return this.downloads.run(async () => new Uint8Array((await this.graph.api(`/drives/${driveId}/items/${itemId}/content`).responseType(ResponseType.ARRAYBUFFER).get()) as ArrayBuffer));
  }

  /** Every file below the folder, with each document's own date where it has one, and the form's bytes. */
  async read(folderId: string, formFileName: string, now: Date): Promise<FolderContents> {
    const { driveId } = await this.site();
    const files: EvidenceFile[] = [];
    let form: Uint8Array | undefined;
    const pending: Promise<void>[] = [];
    const walk = async (id: string, path: string[]): Promise<void> => {
      for (const item of await this.children(driveId, id)) {
        if (item.folder) {
          await walk(item.id ?? '', [...path, item.name ?? '']);
          continue;
        }
        const name = item.name ?? '';
        const file: EvidenceFile = { path, name, lastModified: new Date(item.lastModifiedDateTime ?? 0), size: item.size ?? 0 };
        files.push(file);
        const isForm = path.length === 0 && name.toLowerCase() === formFileName.toLowerCase();
        if ((isForm || datedExtensions.test(name)) && file.size > 0 && file.size <= maxDownloadBytes) {
          pending.push(
            this.download(driveId, item.id ?? '').then((bytes) => {
              if (isForm) form = bytes;
              const dated = documentDate(name, bytes, now);
              if (dated) file.documentDate = dated;
            }),
          );
        }
      }
    };
    await walk(folderId, []);
    await Promise.all(pending);
    return { files, ...(form ? { form } : {}) };
  }

  /**
   * Gives the requester read or edit rights on the folder (read-only while it is reviewed). The
   * permission made by the first invitation is changed in place; if staff removed it, the person
   * is invited again without a new email.
   * https://learn.microsoft.com/graph/api/permission-update
   */
  async setAccess(folderId: string, email: string, role: 'read' | 'write'): Promise<'changed' | 'unchanged'> {
    const { driveId } = await this.site();
    const permissions = (await this.graph.api(`/drives/${driveId}/items/${folderId}/permissions`).get()) as { value: Permission[] };
    const wanted = email.toLowerCase();
    const permission = permissions.value.find(
      (candidate) => !candidate.inheritedFrom && (candidate.invitation?.email?.toLowerCase() === wanted || (candidate.grantedToV2?.user as { email?: string } | undefined)?.email?.toLowerCase() === wanted),
    );
    if (permission?.roles?.length === 1 && permission.roles[0] === role) return 'unchanged';
    if (permission?.id) {
      await this.graph.api(`/drives/${driveId}/items/${folderId}/permissions/${permission.id}`).patch({ roles: [role] });
    } else {
      await this.graph.api(`/drives/${driveId}/items/${folderId}/invite`).post({ recipients: [{ email }], roles: [role], requireSignIn: true, sendInvitation: false });
    }
    return 'changed';
  }

  /** Puts a file into the folder, replacing one of the same name (a certificate issued again). */
  async upload(folderId: string, name: string, bytes: Uint8Array, contentType: string): Promise<{ id: string; webUrl: string }> {
    const { driveId } = await this.site();
    const item = (await this.graph
      .api(`/drives/${driveId}/items/${folderId}:/${encodeURIComponent(name)}:/content`)
      .header('Content-Type', contentType)
      .put(Buffer.from(bytes))) as DriveItem;
    return { id: item.id ?? '', webUrl: item.webUrl ?? '' };
  }
}
