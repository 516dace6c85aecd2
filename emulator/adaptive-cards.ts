import { createRequire } from 'node:module';

/**
 * The official Adaptive Cards library (`adaptivecards` on npm), as the Teams webhook and the card
 * tests use it to read cards the way a Teams client would. Loaded from its UMD bundle: its
 * ES module build imports files without extensions, which Node's ESM loader refuses. Only the
 * parts the checks use are typed here.
 */
interface VersionLike {
  major: number;
  minor: number;
  toString(): string;
}
interface SerializationContextLike {
  readonly eventCount: number;
  getEventAt(index: number): { message: string };
}
interface AdaptiveCardLike {
  parse(source: unknown, context?: SerializationContextLike): void;
  validateProperties(): { validationEvents: { message: string }[] };
  version: VersionLike;
}
interface AdaptiveCardsLibrary {
  AdaptiveCard: new () => AdaptiveCardLike;
  SerializationContext: new (targetVersion?: VersionLike) => SerializationContextLike;
  Version: { parse(versionString: string, context: SerializationContextLike): VersionLike | undefined };
  Versions: Record<'v1_0' | 'v1_1' | 'v1_2' | 'v1_3' | 'v1_4' | 'v1_5' | 'latest', VersionLike>;
}

const adaptiveCards = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsLibrary;

/**
 * Teams renders Adaptive Cards up to schema 1.5:
 * https://learn.microsoft.com/microsoft-copilot-studio/guidance/adaptive-cards-overview ("Teams is
 * also limited to version 1.5").
 */
export const TEAMS_MAX_CARD_VERSION = adaptiveCards.Versions.v1_5;

/**
 * Every warning and error the library's own parser and validator report for a card: unknown or
 * misplaced elements and actions, invalid property values, properties newer than the card's
 * declared version, missing required properties, a version Teams does not render. Empty when
 * the library accepts the card as it is.
 */
export function adaptiveCardProblems(card: unknown): string[] {
  const problems: string[] = [];
  const declared = typeof card === 'object' && card !== null ? (card as { version?: unknown }).version : undefined;
  const versionContext = new adaptiveCards.SerializationContext();
  const version = typeof declared === 'string' ? adaptiveCards.Version.parse(declared, versionContext) : undefined;
  if (!version) {
    problems.push(`The card declares no valid version (${JSON.stringify(declared)}).`);
  } else if (version.major > TEAMS_MAX_CARD_VERSION.major || (version.major === TEAMS_MAX_CARD_VERSION.major && version.minor > TEAMS_MAX_CARD_VERSION.minor)) {
    problems.push(`The card declares version ${version.toString()}; Teams renders ${TEAMS_MAX_CARD_VERSION.toString()} and lower.`);
  }
  // Parsed for the version the card declares, so an element or property newer than that is reported.
  const context = new adaptiveCards.SerializationContext(version ?? TEAMS_MAX_CARD_VERSION);
  const parsed = new adaptiveCards.AdaptiveCard();
  parsed.parse(card, context);
  for (let index = 0; index < context.eventCount; index += 1) problems.push(context.getEventAt(index).message);
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  return problems;
}
