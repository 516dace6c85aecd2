/**
 * ODS publishes names in capitals ("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST"); people expect
 * "Guy's and St Thomas' NHS Foundation Trust" in emails, folders and the Applications list.
 */
const keptUpper = new Set(['NHS', 'ICB', 'GP', 'GPS', 'UK', 'HQ', 'CIC', 'CCG', 'PCN', 'ICS', 'ICP', 'MHS', 'BMA', 'ODS', 'LLP', 'II', 'III', 'IV']);
const keptLower = new Set(['and', 'of', 'the', 'for', 'in', 'on', 'at', 'upon', 'by', 'with', 'de', 'la', 'le', 'y']);

function formatWord(word: string, first: boolean): string {
  const bare = word.replace(/[^A-Za-z]/g, '');
  if (keptUpper.has(bare.toUpperCase()) && bare.length > 0) return word.toUpperCase();
  const lower = word.toLowerCase();
  if (!first && keptLower.has(lower)) return lower;
  // Hyphenated places keep their small words lower case: Stockton-on-Tees, Newcastle upon Tyne.
  return lower
    .split('-')
    .map((part, index) => (index > 0 && keptLower.has(part) ? part : part.replace(/^([('"]*)([a-z])/, (_, lead: string, letter: string) => `${lead}${letter.toUpperCase()}`).replace(/^o'([a-z])/i, (_, letter: string) => `O'${letter.toUpperCase()}`)))
    .join('-');
}

/** Title-cases a name only when it is written entirely in capitals; names people typed keep their own casing. */
export function displayOrganisationName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (/[a-z]/.test(trimmed)) return trimmed;
  return trimmed
    .split(' ')
    .map((word, index) => formatWord(word, index === 0))
    .join(' ')
    .replace(/^./, (letter) => letter.toUpperCase());
}
