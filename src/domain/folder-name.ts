/**
 * A SharePoint-safe folder name for an organisation, whatever its name contains.
 * https://support.microsoft.com/office/invalid-file-names-and-file-types-in-onedrive-and-sharepoint-64883a5d-228e-48f5-b3d2-eb39e07630fa
 *
 * Two organisations must never end up with the same folder name: SharePoint compares names
 * without regard to case, and a shortened or cleaned-up name ("AUX" becomes "Organisation AUX",
 * two long names share their first 120 characters) can equal another organisation's name exactly.
 * So whenever the name had to be shortened or changed, the folder name carries the application's
 * reference too, which no other application has. Names kept exactly as typed differ whenever the
 * organisations' names do; the claims table reserves each name for one application besides.
 */
const forbidden = /["*:<>?/\\|#%\p{Cc}]/gu;
const reserved = new Set(['.lock', 'con', 'prn', 'aux', 'nul', 'desktop.ini', 'forms', ...Array.from({ length: 10 }, (_, i) => [`com${i}`, `lpt${i}`]).flat()]);

/** Long enough for real names; short enough that site, library, folder, section and file stay under 400 characters. */
export const maxFolderNameLength = 120;

export interface FolderNameOptions {
  /** The application's reference, added whenever the name had to be shortened or changed. */
  reference?: string;
  /** Adds the reference whatever: the plain name is already taken by another folder. */
  alwaysWithReference?: boolean;
}

function cleaned(displayName: string): string {
  return displayName
    .normalize('NFC')
    .replace(forbidden, ' ')
    .replace(/_vti_/gi, ' vti ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[~.\s]+/, '');
}

function fitted(name: string, room: number): string {
  const cut = [...name].length > room ? [...name].slice(0, room).join('').trim() : name;
  const tidy = cut.replace(/[.\s]+$/, '');
  return tidy === '' || reserved.has(tidy.toLowerCase()) ? `Organisation ${tidy}`.trim() : tidy;
}

export function organisationFolderName(displayName: string, odsCode?: string, options: FolderNameOptions = {}): string {
  const suffix = odsCode ? ` (${odsCode.replace(forbidden, '')})` : '';
  const clean = cleaned(displayName);
  const plain = fitted(clean, maxFolderNameLength - suffix.length);
  const asTyped = displayName.normalize('NFC').replace(/\s+/g, ' ').trim();
  const changed = plain !== asTyped;
  if (options.reference === undefined || (!changed && options.alwaysWithReference !== true)) return `${plain}${suffix}`;
  const reference = ` ${options.reference.replace(forbidden, '')}`;
  const name = fitted(clean, maxFolderNameLength - suffix.length - reference.length);
  return `${name}${suffix}${reference}`;
}
