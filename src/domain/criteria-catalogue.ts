/**
 * The framework's criteria, as staff load them (`npm run weqs -- catalogue load --file FILE`; the
 * shape is in `config/examples/criteria-catalogue.example.json`).
 *
 * The catalogue drives the application form (one commentary box per criterion) and the SharePoint
 * folder layout (one subfolder per section), so a mistake in it reaches applicants. Parsing is
 * therefore strict and reports every problem at once, each with where it is and how to fix it,
 * because the person reading the message is editing JSON by hand.
 */
import { z } from 'zod';

/** The framework's six sections, in the order a placement happens. Titles are compared ignoring case. */
export const FRAMEWORK_SECTION_TITLES = [
  'Healthcare organisation',
  'Pre-Placement',
  'Placement Induction',
  'During Placement',
  'Reflection and Review',
  'Post Placement',
] as const;

// Section ids are ours (the framework names sections by title), so they can be kept short and
// simple. Criterion ids come from whoever transcribes the framework, which may number them "1.1",
// so dots and hyphens are allowed; colons are not, because ids are joined with colons in the
// form's content-control tags.
const SECTION_ID = /^[A-Z]{2,4}$/;
const CRITERION_ID = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,18}[A-Za-z0-9])?$/;

// SharePoint Online refuses these characters, leading or trailing spaces, and the names below.
// A trailing full stop is legal in SharePoint but breaks OneDrive sync on Windows.
const FOLDER_FORBIDDEN_CHARACTERS = /["*:<>?/\\|\p{Cc}]/u;
const FOLDER_RESERVED_NAMES = /^(?:\.lock|con|prn|aux|nul|com\d|lpt\d|desktop\.ini|forms)$/i;
const MAX_FOLDER_NAME_LENGTH = 100;

const trimmedText = (what: string, max: number) =>
  z
    .string()
    .min(1, { error: `${what} must not be empty.` })
    .max(max, { error: `${what} must be at most ${max} characters.` })
    // An empty value has already been reported by min(1).
    .refine((value) => value === '' || (value.trim() === value && value.trim() !== ''), {
      error: `${what} must not be blank or start or end with spaces.`,
    });

const criterionSchema = z.strictObject({
  id: z.string().regex(CRITERION_ID, {
    error: 'Criterion id must be 1-20 letters, digits, dots or hyphens, starting and ending with a letter or digit (e.g. "HO1" or "1.1").',
  }),
  text: trimmedText('Criterion text', 1000),
  evidenceExamples: z.array(trimmedText('Evidence example', 200)).max(10).readonly().optional(),
});

const sectionSchema = z.strictObject({
  id: z.string().regex(SECTION_ID, { error: 'Section id must be 2-4 capital letters (e.g. "HO").' }),
  title: trimmedText('Section title', 100),
  folderName: z.string().superRefine((name, context) => {
    const problem = folderNameProblem(name);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  }),
  criteria: z.array(criterionSchema).min(1, { error: 'A section needs at least one criterion.' }).readonly(),
});

// `placeholder` marks criteria written for tests and examples: they can be parsed but never
// loaded for applicants (see `parsePublishedCatalogue`). `framework-document` is weqs's built-in
// stand-in while no catalogue is loaded: one commentary box per section, pointing to the
// published framework document for the criteria.
const sourceSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('placeholder'), note: trimmedText('Source note', 1000) }),
    z.strictObject({ kind: z.literal('framework-document'), note: trimmedText('Source note', 1000) }),
    z.strictObject({
      kind: z.literal('published'),
      title: trimmedText('Source title', 200),
      version: trimmedText('Source version', 50).optional(),
      url: z.url({ error: 'Source url must be a web address.' }).optional(),
    }),
  ],
  { error: 'Source must say the criteria are the "published" framework (field "kind").' },
);

const catalogueSchema = z.strictObject({
  $comment: z.string().optional(),
  version: trimmedText('Catalogue version', 50),
  source: sourceSchema,
  sections: z.array(sectionSchema).readonly(),
});

// Messages for the issues zod words for programmers rather than for someone editing JSON.
const readableIssue = (issue: z.core.$ZodRawIssue): string | undefined => {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `"${key}"`).join(', ');
    return `Unknown field${issue.keys.length === 1 ? '' : 's'} ${keys}: check the spelling.`;
  }
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `This field is required (${issue.expected}).`;
    return `Expected ${issue.expected === 'string' ? 'text' : issue.expected} but found ${describeValue(issue.input)}.`;
  }
  return undefined;
};

export type CriteriaCatalogue = z.infer<typeof catalogueSchema>;
export type CatalogueSection = CriteriaCatalogue['sections'][number];
export type Criterion = CatalogueSection['criteria'][number];
export type CatalogueSource = CriteriaCatalogue['source'];

export class CriteriaCatalogueError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`The criteria catalogue is not valid:\n${problems.map((problem) => `- ${problem}`).join('\n')}`);
    this.name = 'CriteriaCatalogueError';
    this.problems = problems;
  }
}

/** Validates a catalogue read from JSON; throws `CriteriaCatalogueError` listing every problem. */
export function parseCriteriaCatalogue(json: unknown): CriteriaCatalogue {
  const result = catalogueSchema.safeParse(json, { error: readableIssue });
  const outline = outlineOf(json);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((issue) => `${describePath(issue.path)}: ${issue.message}`)),
    ...sectionOrderProblems(outline),
    ...duplicateProblems(outline),
  ];
  if (!result.success || problems.length > 0) throw new CriteriaCatalogueError(problems);
  return result.data;
}

/** Why a name cannot be a SharePoint folder name, or undefined when it can. */
export function folderNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'Folder name must not be empty.';
  if (name !== name.trim()) return `Folder name "${name}" must not start or end with spaces.`;
  const forbidden = FOLDER_FORBIDDEN_CHARACTERS.exec(name);
  if (forbidden) {
    return `Folder name "${name}" contains "${forbidden[0]}", which SharePoint does not allow (none of " * : < > ? / \\ | or control characters).`;
  }
  if (name.endsWith('.')) return `Folder name "${name}" must not end with a full stop.`;
  if (name.startsWith('~$') || name.toLowerCase().includes('_vti_')) return `Folder name "${name}" uses a prefix reserved by SharePoint.`;
  if (FOLDER_RESERVED_NAMES.test(name)) return `Folder name "${name}" is reserved by SharePoint or Windows.`;
  if ([...name].length > MAX_FOLDER_NAME_LENGTH) return `Folder name must be at most ${MAX_FOLDER_NAME_LENGTH} characters.`;
  return undefined;
}

/**
 * The parts of the catalogue the cross-checks need, taken from whatever was given, so that order
 * and duplicate problems are reported together with field problems rather than one round later.
 */
interface Outline {
  readonly sections: readonly { id: string | undefined; title: string | undefined; folderName: string | undefined; criterionIds: readonly (string | undefined)[] }[];
}

function outlineOf(json: unknown): Outline | undefined {
  if (!isRecord(json) || !Array.isArray(json.sections)) return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    sections: json.sections.map((section: unknown) => {
      if (!isRecord(section)) return { id: undefined, title: undefined, folderName: undefined, criterionIds: [] };
      const criteria: unknown[] = Array.isArray(section.criteria) ? section.criteria : [];
      return {
        id: text(section.id),
        title: text(section.title),
        folderName: text(section.folderName),
        criterionIds: criteria.map((criterion) => (isRecord(criterion) ? text(criterion.id) : undefined)),
      };
    }),
  };
}

function sectionOrderProblems(outline: Outline | undefined): string[] {
  if (outline === undefined) return [];
  const expected = FRAMEWORK_SECTION_TITLES.map((title, index) => `${index + 1}. ${title}`).join(', ');
  const actual = outline.sections.map((section) => section.title);
  if (actual.length !== FRAMEWORK_SECTION_TITLES.length) {
    return [`sections: found ${actual.length} section(s) but the framework has exactly six, in this order: ${expected}.`];
  }
  return FRAMEWORK_SECTION_TITLES.flatMap((title, index) => {
    const found = actual[index];
    if (found === undefined || sameTitle(found, title)) return [];
    return [`sections[${index}].title: expected "${title}" (section ${index + 1}) but found "${found}". The sections must be, in order: ${expected}.`];
  });
}

function duplicateProblems(outline: Outline | undefined): string[] {
  if (outline === undefined) return [];
  const problems: string[] = [];
  const reportDuplicates = (what: string, entries: readonly { value: string | undefined; path: string }[]) => {
    const firstPathByKey = new Map<string, string>();
    for (const { value, path } of entries) {
      if (value === undefined) continue;
      const first = firstPathByKey.get(value.toLowerCase());
      if (first === undefined) firstPathByKey.set(value.toLowerCase(), path);
      else problems.push(`${path}: ${what} "${value}" is already used at ${first}; each must be unique (ignoring case).`);
    }
  };
  reportDuplicates('Section id', outline.sections.map((section, index) => ({ value: section.id, path: `sections[${index}].id` })));
  reportDuplicates(
    'Folder name',
    outline.sections.map((section, index) => ({ value: section.folderName, path: `sections[${index}].folderName` })),
  );
  reportDuplicates(
    'Criterion id',
    outline.sections.flatMap((section, sectionIndex) =>
      section.criterionIds.map((value, index) => ({ value, path: `sections[${sectionIndex}].criteria[${index}].id` })),
    ),
  );
  return problems;
}

function sameTitle(actual: string, expected: string): boolean {
  const normalise = (title: string) => title.replace(/\s+/gu, ' ').trim().toLowerCase();
  return normalise(actual) === normalise(expected);
}

function describePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'catalogue';
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`), '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

// ---------------------------------------------------------------------------------------------
// The catalogue applicants see
// ---------------------------------------------------------------------------------------------

/**
 * The six sections as weqs names their folders. Folders are created when an application opens,
 * so a loaded catalogue must keep these ids and folder names.
 */
export const FRAMEWORK_SECTIONS: readonly { id: string; title: (typeof FRAMEWORK_SECTION_TITLES)[number]; folderName: string }[] = [
  { id: 'HO', title: 'Healthcare organisation', folderName: '1 Healthcare organisation' },
  { id: 'PP', title: 'Pre-Placement', folderName: '2 Pre-Placement' },
  { id: 'PI', title: 'Placement Induction', folderName: '3 Placement Induction' },
  { id: 'DP', title: 'During Placement', folderName: '4 During Placement' },
  { id: 'RR', title: 'Reflection and Review', folderName: '5 Reflection and Review' },
  { id: 'PO', title: 'Post Placement', folderName: '6 Post Placement' },
];

/** Where applicants find the criteria while no catalogue is loaded, in the standard's own words. */
export const FRAMEWORK_DOCUMENT_NAME = 'Work Experience Quality Standard Framework';
export const FRAMEWORK_DOCUMENT_WHERE =
  'published on the Work Experience Quality Standard page (in its Related Documents section)';

/**
 * What applicants get until staff load the published framework: the six sections, each with one
 * supporting-commentary box, and the criteria left to the framework document. Nothing here is a
 * criterion weqs made up.
 */
export function frameworkSectionsCatalogue(): CriteriaCatalogue {
  return {
    version: 'framework-sections-1',
    source: {
      kind: 'framework-document',
      note: `No criteria catalogue is loaded: the criteria are in the ${FRAMEWORK_DOCUMENT_NAME} document, ${FRAMEWORK_DOCUMENT_WHERE}.`,
    },
    sections: FRAMEWORK_SECTIONS.map((section, index) => ({
      ...section,
      criteria: [
        {
          id: `Section-${index + 1}`,
          text: `Every criterion in the ${section.title} section of the ${FRAMEWORK_DOCUMENT_NAME}.`,
        },
      ],
    })),
  };
}

/**
 * A catalogue staff want applicants to see: valid, from the published framework, and with the
 * section ids and folder names that applicants' folders already have. Throws
 * `CriteriaCatalogueError` listing every problem.
 */
export function parsePublishedCatalogue(json: unknown): CriteriaCatalogue {
  const catalogue = parseCriteriaCatalogue(json);
  const problems: string[] = [];
  if (catalogue.source.kind !== 'published') {
    problems.push(
      `source.kind: is "${catalogue.source.kind}"; only the published framework's criteria can be loaded for applicants (set "kind": "published" with its title once the criteria are copied from it).`,
    );
  }
  catalogue.sections.forEach((section, index) => {
    const expected = FRAMEWORK_SECTIONS[index];
    if (expected && (section.id !== expected.id || section.folderName !== expected.folderName)) {
      problems.push(
        `sections[${index}]: must keep id "${expected.id}" and folderName "${expected.folderName}", the folder applicants already have for ${expected.title}.`,
      );
    }
  });
  if (problems.length > 0) throw new CriteriaCatalogueError(problems);
  return catalogue;
}

/** Whether applicants get the published criteria, or the six-section form that points to the framework document. */
export type CatalogueStatus =
  | { state: 'loaded'; version: string; title: string }
  | { state: 'missing'; message: string };

export function catalogueStatusOf(catalogue: CriteriaCatalogue): CatalogueStatus {
  if (catalogue.source.kind === 'published') return { state: 'loaded', version: catalogue.version, title: catalogue.source.title };
  return {
    state: 'missing',
    message: `No criteria catalogue is loaded: application forms have one commentary box per section and point to the ${FRAMEWORK_DOCUMENT_NAME} document. Load the published criteria with: npm run weqs -- catalogue load --file FILE`,
  };
}
