import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CriteriaCatalogueError,
  FRAMEWORK_SECTION_TITLES,
  folderNameProblem,
  catalogueStatusOf,
  frameworkSectionsCatalogue,
  parseCriteriaCatalogue,
  parsePublishedCatalogue,
} from '../../../src/domain/criteria-catalogue.js';

const section = (id: string, title: string, number: number, criteria = [{ id: `${id}1`, text: `${title} criterion.` }]) => ({
  id,
  title,
  folderName: `${number} ${title}`,
  criteria,
});

const validCatalogue = () => ({
  version: 'test-1',
  source: { kind: 'placeholder', note: 'Test criteria.' },
  sections: [
    section('HO', 'Healthcare organisation', 1),
    section('PP', 'Pre-Placement', 2),
    section('PI', 'Placement Induction', 3),
    section('DP', 'During Placement', 4),
    section('RR', 'Reflection and Review', 5),
    section('PO', 'Post Placement', 6),
  ],
});

function problemsOf(json: unknown): readonly string[] {
  try {
    parseCriteriaCatalogue(json);
  } catch (error) {
    if (error instanceof CriteriaCatalogueError) return error.problems;
    throw error;
  }
  throw new Error('expected the catalogue to be rejected');
}

describe('the example criteria catalogue', () => {
  const shipped = parseCriteriaCatalogue(JSON.parse(readFileSync(new URL('../../../config/examples/criteria-catalogue.example.json', import.meta.url), 'utf8')));

  it('has the six framework sections in order, each with 3 to 5 criteria', () => {
    expect(shipped.sections.map((entry) => entry.title)).toEqual([...FRAMEWORK_SECTION_TITLES]);
    for (const entry of shipped.sections) {
      expect(entry.criteria.length).toBeGreaterThanOrEqual(3);
      expect(entry.criteria.length).toBeLessThanOrEqual(5);
    }
  });

  it('is marked as a placeholder, so it can never be loaded for applicants', () => {
    expect(shipped.source.kind).toBe('placeholder');
    expect(() => parsePublishedCatalogue(JSON.parse(readFileSync(new URL('../../../config/examples/criteria-catalogue.example.json', import.meta.url), 'utf8')))).toThrow(/only the published framework's criteria can be loaded/);
  });

  it('gives every section a numbered SharePoint folder', () => {
    expect(shipped.sections.map((entry) => entry.folderName)).toEqual([
      '1 Healthcare organisation',
      '2 Pre-Placement',
      '3 Placement Induction',
      '4 During Placement',
      '5 Reflection and Review',
      '6 Post Placement',
    ]);
  });
});

describe('parseCriteriaCatalogue', () => {
  it('accepts a valid catalogue and returns it unchanged', () => {
    expect(parseCriteriaCatalogue(validCatalogue())).toEqual(validCatalogue());
  });

  it('accepts a published source and criterion ids numbered like the framework ("1.1")', () => {
    const catalogue = validCatalogue();
    catalogue.sections[0] = section('HO', 'Healthcare organisation', 1, [{ id: '1.1', text: 'A criterion.' }]);
    const published = { ...catalogue, source: { kind: 'published', title: 'Work Experience Quality Standard Framework', version: '2023' } };
    expect(parseCriteriaCatalogue(published).source).toEqual(published.source);
  });

  it('names a duplicate criterion id and where it was first used, ignoring case', () => {
    const catalogue = validCatalogue();
    catalogue.sections[1] = section('PP', 'Pre-Placement', 2, [{ id: 'ho1', text: 'Duplicate.' }]);
    expect(problemsOf(catalogue)).toEqual([
      'sections[1].criteria[0].id: Criterion id "ho1" is already used at sections[0].criteria[0].id; each must be unique (ignoring case).',
    ]);
  });

  it('explains the required order when sections are out of order', () => {
    const catalogue = validCatalogue();
    const [during, reflection] = [catalogue.sections[3], catalogue.sections[4]];
    if (during === undefined || reflection === undefined) throw new Error('fixture');
    catalogue.sections[3] = reflection;
    catalogue.sections[4] = during;
    const problems = problemsOf(catalogue);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('sections[3].title: expected "During Placement" (section 4) but found "Reflection and Review"');
    expect(problems[0]).toContain('1. Healthcare organisation, 2. Pre-Placement, 3. Placement Induction, 4. During Placement');
  });

  it('rejects a catalogue without exactly six sections', () => {
    const catalogue = validCatalogue();
    catalogue.sections.pop();
    expect(problemsOf(catalogue)).toEqual([expect.stringContaining('sections: found 5 section(s) but the framework has exactly six')]);
  });

  it('compares section titles ignoring case and spacing', () => {
    const catalogue = validCatalogue();
    catalogue.sections[1] = section('PP', 'Pre-placement', 2);
    catalogue.sections[3] = section('DP', 'During  placement', 4);
    expect(() => parseCriteriaCatalogue(catalogue)).not.toThrow();
  });

  it.each([
    ['1: Healthcare organisation', '":"'],
    ['Pre/Placement', '"/"'],
    [' 1 Healthcare organisation', 'must not start or end with spaces'],
    ['1 Healthcare organisation.', 'must not end with a full stop'],
    ['CON', 'reserved'],
    ['', 'must not be empty'],
  ])('rejects the folder name %j with a reason (%s)', (folderName, reason) => {
    const catalogue = validCatalogue();
    catalogue.sections[0] = { ...section('HO', 'Healthcare organisation', 1), folderName };
    const problems = problemsOf(catalogue);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^sections\[0\]\.folderName: /);
    expect(problems[0]).toContain(reason);
  });

  it('accepts folder names SharePoint allows, including # % & and non-Latin letters', () => {
    expect(folderNameProblem('1 Sefydliad gofal iechyd & #1 (100%)')).toBeUndefined();
    expect(folderNameProblem('١ المنظمة')).toBeUndefined();
  });

  it('rejects two sections sharing a folder', () => {
    const catalogue = validCatalogue();
    catalogue.sections[1] = { ...section('PP', 'Pre-Placement', 2), folderName: '1 HEALTHCARE ORGANISATION' };
    expect(problemsOf(catalogue)).toEqual([expect.stringContaining('sections[1].folderName: Folder name "1 HEALTHCARE ORGANISATION" is already used at sections[0].folderName')]);
  });

  it('reports every problem at once, each with its place in the file', () => {
    const catalogue = {
      ...validCatalogue(),
      sectons: [],
      source: { kind: 'draft' },
    };
    catalogue.sections[2] = { ...section('PI', 'Placement Induction', 3), folderName: 'a|b', criteria: [{ id: 'PI 1', text: '  ' }] };
    const problems = problemsOf(catalogue);
    expect(problems).toEqual(
      expect.arrayContaining([
        'catalogue: Unknown field "sectons": check the spelling.',
        expect.stringMatching(/^source\.kind: Source must say the criteria are the "published" framework/),
        expect.stringMatching(/^sections\[2\]\.folderName: Folder name "a\|b" contains "\|"/),
        expect.stringMatching(/^sections\[2\]\.criteria\[0\]\.id: Criterion id must be/),
        'sections[2].criteria[0].text: Criterion text must not be blank or start or end with spaces.',
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('says what is missing or of the wrong type in plain words', () => {
    expect(problemsOf(null)).toEqual(['catalogue: Expected object but found null.']);
    const catalogue: Record<string, unknown> = validCatalogue();
    delete catalogue.version;
    expect(problemsOf(catalogue)).toEqual(['version: This field is required (string).']);
    expect(problemsOf({ ...validCatalogue(), sections: 'six' })).toEqual(['sections: Expected array but found text.']);
  });

  it('puts the problems in the error message for logs', () => {
    const catalogue = validCatalogue();
    catalogue.sections[0] = { ...section('HO', 'Healthcare organisation', 1), folderName: 'a?b' };
    expect(() => parseCriteriaCatalogue(catalogue)).toThrow(/^The criteria catalogue is not valid:\n- sections\[0\]\.folderName: /);
  });
});

describe('parsePublishedCatalogue', () => {
  const published = (sections = frameworkSectionsCatalogue().sections) => ({ version: 'v1', source: { kind: 'published', title: 'Work Experience Quality Standard Framework' }, sections });

  it('accepts published criteria that keep the sections\' ids and folder names', () => {
    expect(parsePublishedCatalogue(published()).source.kind).toBe('published');
  });

  it('refuses a catalogue that would rename folders applicants already have', () => {
    const [first, ...rest] = frameworkSectionsCatalogue().sections;
    const renamed = [{ ...(first ?? rest[0]), folderName: 'Organisation' }, ...rest];
    expect(() => parsePublishedCatalogue(published(renamed as never))).toThrow(/must keep id "HO" and folderName "1 Healthcare organisation"/);
  });
});

describe('catalogueStatusOf', () => {
  it('reports the built-in six-section form as a missing catalogue, with the command to load one', () => {
    const status = catalogueStatusOf(frameworkSectionsCatalogue());
    expect(status).toMatchObject({ state: 'missing' });
    expect(status.state === 'missing' && status.message).toMatch(/catalogue load --file/);
  });

  it('reports a published catalogue as loaded', () => {
    expect(catalogueStatusOf({ ...frameworkSectionsCatalogue(), version: 'v2', source: { kind: 'published', title: 'Framework' } })).toEqual({ state: 'loaded', version: 'v2', title: 'Framework' });
  });
});
