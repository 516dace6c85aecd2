import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxFolderNameLength, organisationFolderName } from '../../../src/domain/folder-name.js';

const reference = 'WEQS-2026-0042';

describe('organisationFolderName', () => {
  it('keeps a name that needs no change as it is, without the reference', () => {
    expect(organisationFolderName('Organisation AUX', undefined, { reference })).toBe('Organisation AUX');
    expect(organisationFolderName('Leeds Teaching Hospitals NHS Trust', 'RR8', { reference })).toBe('Leeds Teaching Hospitals NHS Trust (RR8)');
  });

  it('adds the reference whenever the name had to be changed, so it cannot equal another name', () => {
    expect(organisationFolderName('AUX', undefined, { reference })).toBe(`Organisation AUX ${reference}`);
    expect(organisationFolderName('nul', undefined, { reference })).toBe(`Organisation nul ${reference}`);
    expect(organisationFolderName('Acme: Care', undefined, { reference })).toBe(`Acme Care ${reference}`);
    expect(organisationFolderName('Acme Care', undefined, { reference, alwaysWithReference: true })).toBe(`Acme Care ${reference}`);
  });

  it('gives two names that only differ after the 120-character cap different folder names', () => {
    const stem = 'Brackenfold Community Interest Company for Health Education Work Experience Placements and Careers Outreach Across';
    const north = organisationFolderName(`${stem} the Northern Borough Area`, undefined, { reference: 'WEQS-2026-0001' });
    const south = organisationFolderName(`${stem} the Southern Borough Area`, undefined, { reference: 'WEQS-2026-0002' });
    expect(north.toLowerCase()).not.toBe(south.toLowerCase());
    expect([...north].length).toBeLessThanOrEqual(maxFolderNameLength);
    expect(north.endsWith(' WEQS-2026-0001')).toBe(true);
  });

  it('never gives two applications the same name, whatever the organisation names (property)', () => {
    const name = fc.string({ unit: fc.constantFrom('a', 'A', 'u', 'x', ' ', ':', '.', '~', '#', 'Organisation ', 'aux', 'CON', 'é', '😀'), maxLength: 80 });
    fc.assert(
      fc.property(name, name, fc.option(fc.constantFrom('RR8', 'RZZ')), (first, second, code) => {
        const a = organisationFolderName(first, code ?? undefined, { reference: 'WEQS-2026-0001' });
        const b = organisationFolderName(second, code ?? undefined, { reference: 'WEQS-2026-0002' });
        // Equal folder names only for names that are equal as typed (the same organisation's key).
        if (a.toLowerCase() === b.toLowerCase()) expect(first.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase()).toBe(second.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase());
        expect(a).not.toMatch(/["*:<>?/\\|#%]/);
        expect([...a].length).toBeLessThanOrEqual(maxFolderNameLength);
      }),
      { numRuns: 2000 },
    );
  });
});
