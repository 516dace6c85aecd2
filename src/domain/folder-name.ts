/**
 * A SharePoint-safe folder name for an organisation, whatever its name contains.
 * https://support.microsoft.com/office/invalid-file-names-and-file-types-in-onedrive-and-sharepoint-64883a5d-228e-48f5-b3d2-eb39e07630fa
 */
const forbidden = /["*:<>?/\\|#%\p{Cc}]/gu;
const reserved = new Set(['.lock', 'con', 'prn', 'aux', 'nul', 'desktop.ini', 'forms', ...Array.from({ length: 10 }, (_, i) => [`com${i}`, `lpt${i}`]).flat()]);

/** Long enough for real names; short enough that site, library, folder, section and file stay under 400 characters. */
export const maxFolderNameLength = 120;

export function organisationFolderName(displayName: string, odsCode?: string): string {
  const suffix = odsCode ? ` (${odsCode.replace(forbidden, '')})` : '';
  let name = displayName
    .normalize('NFC')
    .replace(forbidden, ' ')
    .replace(/_vti_/gi, ' vti ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[~.\s]+/, '');
  const room = maxFolderNameLength - suffix.length;
  if ([...name].length > room) name = [...name].slice(0, room).join('').trim();
  name = name.replace(/[.\s]+$/, '');
  if (name === '' || reserved.has(name.toLowerCase())) name = `Organisation ${name}`.trim();
  return `${name}${suffix}`;
}
