import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../emulator/odata.js';
import { ApplicationsList, ensureApplicationsListColumns } from '../../src/graph/applications-list.js';
import type { ApplicationRow } from '../../src/graph/applications-list.js';
import { allOf, anyOf, encodeFilter, odata, odataLiteral } from '../../src/graph/odata-filter.js';
import { resolveSiteContext } from '../../src/graph/site-context.js';
import type { SiteContext } from '../../src/graph/site-context.js';
import { siteHostname, sitePath, startTestEmulator } from '../support/emulator.js';
import type { TestEmulator } from '../support/emulator.js';

/** The characters that break a hand-built filter or URL, among ordinary ones. */
const awkward = [..."'&#+%?=/\\\" ,;:()@$[]{}<>|^`~!*"];
const pool = [...awkward, ...'abcXYZ019-_.', 'é', 'ß', 'Ø', '’', '中'];
const awkwardText = fc.string({ unit: fc.constantFrom(...pool), minLength: 1, maxLength: 24 });

describe('odata: every literal is escaped and every filter URL-encoded', () => {
  it('writes each kind of value as OData reads it', () => {
    expect(odata`fields/Reference eq ${"O'Neil & Sons #1 +50%"}`.text).toBe("fields/Reference eq 'O''Neil & Sons #1 +50%'");
    expect(odata`sentDateTime ge ${new Date('2026-12-04T10:00:00.000Z')}`.text).toBe('sentDateTime ge 2026-12-04T10:00:00.000Z');
    expect(odata`fields/DecisionReady eq ${true} and fields/Award ne ${null}`.text).toBe('fields/DecisionReady eq true and fields/Award ne null');
    expect(anyOf(odata`a eq ${'x'}`, odata`a eq ${'y'}`).text).toBe("(a eq 'x') or (a eq 'y')");
    expect(allOf(odata`a eq ${1}`, odata`b eq ${2}`).text).toBe('(a eq 1) and (b eq 2)');
    expect(encodeFilter(odata`fields/Reference eq ${'A&B#C+D%E'}`)).toBe("fields%2FReference%20eq%20'A%26B%23C%2BD%25E'");
    expect(() => odataLiteral(Number.NaN)).toThrow(RangeError);
    expect(() => odataLiteral(new Date('not a date'))).toThrow(RangeError);
  });

  it('round-trips any string through an OData parser as one literal', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const tree = parseFilter(odata`fields/Title eq ${value}`.text);
        expect(tree).toEqual({ type: 'compare', operator: 'eq', left: { type: 'path', segments: ['fields', 'Title'] }, right: { type: 'literal', value } });
        expect(decodeURIComponent(encodeFilter(odata`x eq ${value}`))).toBe(odata`x eq ${value}`.text);
      }),
    );
  });
});

describe('filters through the real SDK against the emulator', () => {
  let env: TestEmulator;
  let site: SiteContext;
  let list: ApplicationsList;
  let sequence = 0;
  const row = (reference: string, targetCycle: string): ApplicationRow & { TargetCycle: string } => ({
    Title: `Organisation ${reference}`, Reference: reference, OrganisationKey: `test:${reference}`, Status: 'Open', TargetCycle: targetCycle,
    RequesterEmail: 'jo@trust.example', FolderLink: 'https://example.invalid/f', FormLink: 'https://example.invalid/d', ReceivedOn: '2026-12-04T10:00:00Z', SourceMessageId: '<m@x>',
  });

  beforeAll(async () => {
    env = await startTestEmulator();
    site = await resolveSiteContext(env.graph, { hostname: siteHostname, path: sitePath, evidenceLibrary: 'Application evidence', applicationsList: 'Applications' });
    await ensureApplicationsListColumns(env.graph, site);
    list = new ApplicationsList(env.graph, async () => site);
  });
  afterAll(async () => env.stop());

  it('finds a reference holding %, &, #, + and quotes (the request logger survives a bare %)', async () => {
    for (const reference of ['50% done', 'A&B', 'C#1', '1+1', "O'Neil", '%zz%']) {
      const created = await list.createOnce(row(reference, 'cycle'));
      expect((await list.findByReference(reference))?.id).toBe(created.id);
    }
  });

  it('matches exactly the rows holding a staff-typed value, whatever it contains (property)', async () => {
    await fc.assert(
      fc.asyncProperty(awkwardText, fc.constantFrom('Open', 'In review'), async (cycle, status) => {
        sequence += 1;
        const created = await list.createOnce({ ...row(`P-${sequence}`, cycle), Status: status });
        const found = await list.query(allOf(odata`fields/TargetCycle eq ${cycle}`, anyOf(odata`fields/Status eq ${status}`)));
        // SharePoint compares text without regard to case: every row found must hold the value so read.
        expect(found.map((item) => item.id)).toContain(created.id);
        expect(found.every((item) => item.fields.TargetCycle?.toLowerCase() === cycle.trim().toLowerCase() && item.fields.Status === status)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
