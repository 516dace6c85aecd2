import { describe, expect, it } from 'vitest';
import { link, p, plainTextUrl, render } from '../../../src/domain/email-document.js';

describe('plain-text links', () => {
  const folderUrl = 'https://weqs.sharepoint.example/sites/WorkExperience/Application evidence/Northshire Hospitals (RZZ)'.replace(/ /g, '%20');

  it('encode parentheses so that link detection keeps the closing one', () => {
    const { text, html } = render('Your folder', [p('Hello'), link('Your evidence folder', folderUrl)]);
    expect(text).toContain('https://weqs.sharepoint.example/sites/WorkExperience/Application%20evidence/Northshire%20Hospitals%20%28RZZ%29\n');
    expect(text).not.toMatch(/\)$/m);
    // The HTML part keeps the URL as given: an href has no detection problem.
    expect(html).toContain('Northshire%20Hospitals%20(RZZ)"');
  });

  it('leave URLs without parentheses as they are', () => {
    expect(plainTextUrl('https://a.example/x?y=1#z')).toBe('https://a.example/x?y=1#z');
  });
});
