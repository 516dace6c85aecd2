import type { EvidenceFile } from '../domain/evidence-readiness.js';

/**
 * What sharing a folder with one person came to. `granted` carries the permission id the invite
 * returned: a guest's permission is not listed with their address (and not at all until they
 * accept), so that id is the only reliable handle for changing their access later.
 * https://github.com/OneDrive/onedrive-api-docs/issues/484
 */
export type ShareResult = { kind: 'granted'; permissionId: string } | { kind: 'refused'; status?: number; code?: string; reason: string };

export type FolderRole = 'read' | 'write';

export interface ShareOptions {
  /** SharePoint's own sharing email, with this message. */
  sendInvitation: boolean;
  message?: string;
}

/** Where an applicant stands in the tenant's directory. */
export type ApplicantStanding = 'member' | 'guest' | 'not-known';

/** Everything one application's evidence folder is made with. */
export interface FolderPlan {
  folderName: string;
  sectionFolderNames: string[];
  formFileName: string;
  form: Uint8Array;
  requesterEmail: string;
  invitationMessage: string;
}

export interface ProvisionedFolder {
  folderName: string;
  folderId: string;
  folderUrl: string;
  formItemId: string;
  formUrl: string;
  /** Sharing with the applicant: refused for someone outside the tenant who is not a guest yet. */
  sharing: ShareResult;
}

/** The library of evidence folders, one per application. */
export interface EvidenceFoldersPort {
  /** Whether anything (a folder, a file) already has this name at the top of the library. */
  exists(folderName: string): Promise<boolean>;
  /** Makes the folder, or finishes one an earlier attempt of the same application began. */
  provision(plan: FolderPlan): Promise<ProvisionedFolder>;
}

/** What an application's folder holds, as the evidence rules judge it. */
export interface FolderContents {
  files: EvidenceFile[];
  /** The application form as uploaded, when it is there. */
  form?: Uint8Array;
}

/** One application's evidence folder once it exists: what is in it, and what the review jobs put in or change. */
export interface ApplicationFolderPort {
  /** Every file below the folder, with each document's own date where it has one, and the form's bytes. */
  read(folderId: string, formFileName: string, now: Date): Promise<FolderContents>;
  /** Sets the applicant's access by their address (claims from before permission ids were recorded). */
  setAccess(folderId: string, email: string, role: FolderRole): Promise<'changed' | 'unchanged'>;
  /** Puts a file into the folder, replacing one of the same name. */
  upload(folderId: string, name: string, bytes: Uint8Array, contentType: string): Promise<{ id: string; webUrl: string }>;
}

/** Sharing an applicant's folder, and making them a guest where the deployment may. */
export interface FolderAccessPort {
  sharing: {
    share(folderId: string, email: string, role: FolderRole, options: ShareOptions): Promise<ShareResult>;
    changeRole(folderId: string, permissionId: string, role: FolderRole): Promise<'changed' | 'gone'>;
  };
  /** Present only where the deployment is granted User.Invite.All and User.Read.All (WEQS_CREATE_GUESTS). */
  guests?: {
    standing(email: string): Promise<ApplicantStanding>;
    createGuest(email: string, displayName: string | undefined): Promise<string>;
  };
}
