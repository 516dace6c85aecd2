import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clipLine,
  ELLIPSIS,
  escapeCardText,
  escapeHtml,
  isAbsoluteHttpsUrl,
  singleLine,
  truncateText,
} from '../../../src/domain/text-escaping.js';

/** Any text, including lone surrogates, controls and the characters that matter to HTML and markdown. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(...'<>&"\'*_[]()`#~+-=.1{}\\ \n\r\tab'), maxLength: 60 }),
);

const codePoints = (text: string) => [...text].length;

function decodeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_entity, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name] ?? '');
}

/** Undoes escapeCardText as a CommonMark reader would: named and numeric character references. */
function decodeCardText(text: string): string {
  return text.replace(/&(amp|lt|gt|#\d+);/g, (_match, entity: string) =>
    entity.startsWith('#') ? String.fromCodePoint(Number(entity.slice(1))) : ({ amp: '&', lt: '<', gt: '>' } as Record<string, string>)[entity] ?? '',
  );
}

describe('escapeHtml', () => {
  it('replaces the five characters that can end text or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>A & B</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;A &amp; B&lt;/a&gt;');
  });

  it('leaves Welsh, Arabic and emoji text as it is', () => {
    for (const name of ['Bwrdd Iechyd Prifysgol Betsi Cadwaladr', 'Ysbyty Gwynedd ŵŷ', 'مستشفى النور', '🏥 Care 👩‍⚕️']) {
      expect(escapeHtml(name)).toBe(name);
    }
  });

  it('neutralises the classic injections', () => {
    expect(escapeHtml('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeHtml('"><img src=x onerror=alert(1)>')).toBe('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('never throws and never leaves a character that could open a tag or close an attribute', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
      }),
    );
  });

  it('keeps different inputs different (it can be undone exactly)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(decodeHtml(escapeHtml(text))).toBe(text);
      }),
    );
    fc.assert(fc.property(anyText, anyText, (a, b) => a === b || escapeHtml(a) !== escapeHtml(b)));
  });
});

describe('escapeCardText', () => {
  it.each([
    ['**bold**', '&#42;&#42;bold&#42;&#42;'],
    ['_italic_', '&#95;italic&#95;'],
    ['[Open](https://evil.example)', '&#91;Open&#93;(https://evil.example)'],
    ['> quoted', '&gt; quoted'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['A & B', 'A &amp; B'],
    ['C:\\temp\\*', 'C:&#92;temp&#92;&#42;'],
    ['{{DATE(2017-02-14T06:00:00Z, SHORT)}}', '&#123;&#123;DATE(2017-02-14T06:00:00Z, SHORT)}}'],
    ['FW: [NORTHSHIRE HOSPITALS NHS FT]', 'FW: &#91;NORTHSHIRE HOSPITALS NHS FT&#93;'],
  ])('escapes %j', (input, expected) => {
    expect(escapeCardText(input)).toBe(expected);
  });

  // Adaptive Card markdown has no strikethrough, code, headings or bare parentheses syntax
  // (https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features).
  it.each([
    ['~~struck~~'],
    ['`code`'],
    ['# Heading'],
    ['(do not reply to this email)'],
    ['Northshire Hospitals (RZZ)'],
  ])('leaves %j as it is: nothing there is Adaptive Card markdown', (input) => {
    expect(escapeCardText(input)).toBe(input);
  });

  it('escapes list markers only at the start of a line', () => {
    expect(escapeCardText('- item')).toBe('&#45; item');
    expect(escapeCardText('+ item')).toBe('&#43; item');
    expect(escapeCardText('1. item')).toBe('1&#46; item');
    expect(escapeCardText('12) item')).toBe('12&#41; item');
    expect(escapeCardText('a\n- b\r\n  2. c\n===')).toBe('a\n&#45; b\r\n  2&#46; c\n&#61;==');
    expect(escapeCardText('Bath - Royal United Hospitals 1.5')).toBe('Bath - Royal United Hospitals 1.5');
  });

  it('leaves email addresses readable', () => {
    expect(escapeCardText('jane.smith-jones@nhs.net')).toBe('jane.smith-jones@nhs.net');
    expect(escapeCardText('jane_smith@nhs.net')).toBe('jane&#95;smith@nhs.net');
  });

  it('never throws and never outputs a raw < or a backslash', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(escapeCardText(text)).not.toMatch(/[<\\]/);
      }),
    );
  });

  it('leaves no markdown character unescaped', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        // Remove every character reference; what is left must hold no markdown punctuation.
        const escaped = escapeCardText(text);
        const bare = escaped.replace(/&(amp|lt|gt|#\d+);/g, '');
        expect(bare).not.toMatch(/[\\*_[\]{&<>]/);
        expect(escaped).not.toMatch(/(^|[\r\n])[ \t]*([-+=]|\d+[.)])/);
      }),
    );
  });

  it('keeps different inputs different (it can be undone exactly)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(decodeCardText(escapeCardText(text))).toBe(text);
      }),
    );
    fc.assert(fc.property(anyText, anyText, (a, b) => a === b || escapeCardText(a) !== escapeCardText(b)));
  });
});

describe('singleLine', () => {
  it('turns line breaks, tabs and runs of spaces into single spaces and trims', () => {
    expect(singleLine('  Northshire\r\nHospitals\t\tNHS   Trust \u2028')).toBe('Northshire Hospitals NHS Trust');
  });

  it('removes bidirectional overrides that would reorder text on screen', () => {
    expect(singleLine('invoice\u202Efdp.exe')).toBe('invoice fdp.exe');
    expect(singleLine('مستشفى النور')).toBe('مستشفى النور');
  });

  it('is idempotent and never leaves a control character', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = singleLine(text);
        expect(singleLine(once)).toBe(once);
        expect(once).not.toMatch(/\p{Cc}/u);
      }),
    );
  });
});

describe('truncateText', () => {
  it('leaves text within the limit alone', () => {
    expect(truncateText('Northshire', 10)).toBe('Northshire');
    expect(truncateText('👩‍⚕️👩‍⚕️', 8)).toBe('👩‍⚕️👩‍⚕️');
  });

  it('shortens longer text to the limit, ending with an ellipsis', () => {
    expect(truncateText('Northshire Hospitals', 12)).toBe(`Northshire${ELLIPSIS}`);
    expect(truncateText('a'.repeat(300), 200)).toBe(`${'a'.repeat(199)}${ELLIPSIS}`);
  });

  it('never splits an emoji or a letter from its accent', () => {
    expect(truncateText('ab👩‍⚕️cd', 5)).toBe(`ab${ELLIPSIS}`);
    expect(truncateText('e\u0301e\u0301e\u0301', 4)).toBe(`e\u0301${ELLIPSIS}`);
  });

  it('never exceeds the limit, counted in code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), fc.integer({ min: 1, max: 50 }), (text, max) => {
        const result = truncateText(text, max);
        expect(codePoints(result)).toBeLessThanOrEqual(max);
        if (codePoints(text) <= max) expect(result).toBe(text);
        else expect(result.endsWith(ELLIPSIS)).toBe(true);
      }),
    );
  });

  it('refuses a limit that is not a positive whole number', () => {
    expect(() => truncateText('x', 0)).toThrow(RangeError);
    expect(() => truncateText('x', 1.5)).toThrow(RangeError);
  });
});

describe('clipLine', () => {
  it('cleans to one line before capping', () => {
    expect(clipLine('A\n\n\nB', 3)).toBe('A B');
    expect(clipLine(`  ${'x'.repeat(20)}\n`, 10)).toBe(`${'x'.repeat(9)}${ELLIPSIS}`);
  });
});

describe('isAbsoluteHttpsUrl', () => {
  it.each([
    ['https://contoso.sharepoint.com/sites/weqs/Shared%20Documents', true],
    ['http://contoso.sharepoint.com/', false],
    ['javascript:alert(1)', false],
    ['/sites/weqs', false],
    ['https://user:secret@contoso.sharepoint.com/', false],
    ['', false],
  ])('%s → %s', (url, expected) => {
    expect(isAbsoluteHttpsUrl(url)).toBe(expected);
  });
});
