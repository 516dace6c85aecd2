import { describe, expect, it } from 'vitest';
import { defangLinks } from '../../../src/domain/sender-text.js';
import { duplicateRequestCard, needsIdentifyingCard, newApplicationCard, untrustedSenderCard } from '../../../src/domain/request-cards.js';

/** What Teams would make clickable in a TextBlock: a scheme, www., a domain or an email address. */
const LINKABLE = /[a-z][a-z0-9+.-]*:\/\/|\bwww\.|[\p{L}\p{N}-]\.[\p{L}]{2,}\b|[\p{L}\p{N}._%+-]@[\p{L}\p{N}-]+\.|\bmailto:|\bjavascript:/iu;

describe('sender text on staff cards (issue 8 item 9)', () => {
  it('disables what Teams would turn into a link, keeping the text readable', () => {
    expect(defangLinks('Acme https://evil.example/login')).toBe('Acme https[:]//evil[.]example/login');
    expect(defangLinks('Refund desk www.evil.example.co.uk')).toBe('Refund desk www[.]evil[.]example[.]co[.]uk');
    expect(defangLinks('write to jo@evil.example')).toBe('write to jo[at]evil[.]example');
    expect(defangLinks('mailto:jo@evil.example javascript:alert(1)')).toBe('mailto[:]jo[at]evil[.]example javascript[:]alert(1)');
    expect(defangLinks("St. Mary's Hospital, Cycle 2026.1")).toBe("St. Mary's Hospital, Cycle 2026.1");
  });

  it('shows organisation names and subjects on every request card without anything clickable, marked as the sender wrote them', () => {
    const hostile = 'Northshire https://evil.example/login [Open](https://evil.example) www.evil.example jo@evil.example';
    const receivedAt = new Date('2026-12-01T10:00:00Z');
    const cards = [
      newApplicationCard({ organisationName: hostile, organisationKey: 'name:x', reference: 'WEQS-2026-0001', requesterAddress: 'jo@nhs.example', receivedAt, folderUrl: 'https://contoso.sharepoint.com/a', listUrl: 'https://contoso.sharepoint.com/l' }),
      duplicateRequestCard({ organisationName: hostile, organisationKey: 'name:x', existing: { reference: 'WEQS-2026-0001', requesterAddress: 'a@nhs.example', receivedAt }, incoming: { requesterName: hostile, requesterAddress: 'b@nhs.example', receivedAt, subject: hostile }, listUrl: 'https://contoso.sharepoint.com/l' }),
      needsIdentifyingCard({ requestedName: hostile, requesterName: hostile, requesterAddress: 'c@nhs.example', receivedAt, reason: 'look-alike-characters', candidates: [] }),
      untrustedSenderCard({ fromAddress: 'd@nhs.example', fromName: hostile, subject: hostile, receivedAt, authentication: {} }),
    ];
    for (const card of cards) {
      const texts = JSON.stringify(card.attachments[0].content.body);
      const shown = texts.replace(/[a-z]@nhs\.example/g, '');
      expect(shown).not.toMatch(LINKABLE);
      expect(texts).toContain('as the sender wrote them');
    }
  });
});
