import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { html, jsonForScript } from '../../emulator/console/html.js';

/** The tenant console's one escaping template: whatever a name or subject holds, it stays text. */
describe('the console template', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const out = html`<p title="${value}">${value}</p>`.value;
        const inner = out.slice('<p title="'.length, -'</p>'.length);
        // Nothing in the value can close the attribute, open a tag or start an entity of its own.
        expect(inner.replace('">', '')).not.toMatch(/[<>"']/);
        expect(inner.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
      }),
      { numRuns: 50 },
    );
    expect(html`<b>${'<script>alert(1)</script>'}</b>`.value).toBe('<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>');
  });

  it('does not escape twice what it built itself, and joins lists', () => {
    expect(html`<ul>${['a&b', 'c'].map((item) => html`<li>${item}</li>`)}</ul>`.value).toBe('<ul><li>a&amp;b</li><li>c</li></ul>');
  });

  it('puts JSON in a script block that no value can close, and that parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        const block = jsonForScript({ value, text }).value;
        expect(block).not.toMatch(/<|>|&/);
        expect(JSON.parse(block)).toEqual(JSON.parse(JSON.stringify({ value, text })));
      }),
      { numRuns: 50 },
    );
    expect(jsonForScript('</script><script>alert(1)</script>').value).not.toContain('</script');
  });
});
