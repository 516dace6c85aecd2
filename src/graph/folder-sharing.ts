import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError } from '@microsoft/microsoft-graph-client';
import type { Permission } from '@microsoft/microsoft-graph-types';
import { logger } from '../logging.js';
import type { FolderRole, ShareOptions, ShareResult } from '../ports/evidence-folders.port.js';
import type { SiteContext } from './site-context.js';

export type { FolderRole, ShareOptions, ShareResult };

/** The invite body weqs always sends: sign-in required, one person, staff keep their inherited access. */
export function inviteBody(email: string, role: FolderRole, options: ShareOptions): Record<string, unknown> {
  return { recipients: [{ email }], roles: [role], requireSignIn: true, sendInvitation: options.sendInvitation, ...(options.message ? { message: options.message } : {}) };
}

/** Reads an invite's answer (a whole response or a `$batch` step): granted with its permission id, or refused and why. */
export function shareResultOf(status: number, body: unknown): ShareResult {
  if (status >= 200 && status < 300) {
    const [permission] = (body as { value?: Permission[] } | undefined)?.value ?? [];
    if (permission?.id) return { kind: 'granted', permissionId: permission.id };
    return { kind: 'refused', status, reason: 'the invite answered without a permission' };
  }
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return { kind: 'refused', status, ...(error?.code ? { code: error.code } : {}), reason: `${status} ${error?.code ?? ''} ${error?.message ?? ''}`.replace(/\s+/g, ' ').trim().slice(0, 300) };
}

/**
 * Shares an evidence folder with the applicant, and changes their access by the recorded
 * permission id. App-only sharing reaches members and existing guests only; anything else is
 * refused, which callers treat as "access pending", never as a failed application.
 * https://learn.microsoft.com/graph/api/driveitem-invite , https://learn.microsoft.com/graph/api/permission-update
 */
export class FolderSharing {
  constructor(
    private readonly graph: Client,
    private readonly site: () => Promise<SiteContext>,
  ) {}

  async share(folderId: string, email: string, role: FolderRole, options: ShareOptions): Promise<ShareResult> {
    const { driveId } = await this.site();
    try {
      const body = (await this.graph.api(`/drives/${driveId}/items/${folderId}/invite`).post(inviteBody(email, role, options))) as unknown;
      return shareResultOf(200, body);
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      logger().warn({ status: error.statusCode, code: error.code, folderId }, 'sharing the folder was refused');
      return { kind: 'refused', status: error.statusCode, ...(error.code ? { code: error.code } : {}), reason: `${error.statusCode} ${error.code ?? ''} ${error.message}`.replace(/\s+/g, ' ').trim().slice(0, 300) };
    }
  }

  /** `gone` when the permission no longer exists (staff removed it). */
  async changeRole(folderId: string, permissionId: string, role: FolderRole): Promise<'changed' | 'gone'> {
    const { driveId } = await this.site();
    try {
      await this.graph.api(`/drives/${driveId}/items/${folderId}/permissions/${encodeURIComponent(permissionId)}`).patch({ roles: [role] });
      return 'changed';
    } catch (error) {
      if (error instanceof GraphError && error.statusCode === 404) return 'gone';
      throw error;
    }
  }
}
