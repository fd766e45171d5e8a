import { ValidationError } from '../errors.js';

/**
 * Invisible characters that change the order in which text is displayed rather
 * than what it says (Unicode UAX #9): the embeddings and overrides U+202A–U+202E,
 * the isolates U+2066–U+2069, and the implicit marks U+200E (LRM), U+200F (RLM) and
 * U+061C (ALM). With them a name stored as `Printer<U+202E>exe.txt` displays as
 * "Printertxt.exe", and "Home" and "Home<U+200E>" look the same in a list
 * ("Trojan Source", CVE-2021-42574). The marks are weaker than the overrides but
 * just as invisible; right-to-left names need none of them (a client shows a name
 * in its own direction with `dir="auto"` or `<bdi>`), so all twelve are refused.
 * Zero-width joiners (emoji sequences, Persian) are left alone.
 */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u;

/** The refused characters as a message shows them. */
export const BIDI_CONTROLS_REFUSED = 'U+202A–U+202E, U+2066–U+2069, U+200E, U+200F and U+061C';

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Throws VALIDATION_FAILED naming `field` and the character found when `value` has one. */
export function assertNoBidiControls(value: string, field: string): void {
  const found = BIDI_CONTROL.exec(value);
  if (found) {
    throw new ValidationError({
      field,
      message:
        `must not contain invisible bidirectional formatting characters (found ${codePoint(found[0])}; ` +
        `${BIDI_CONTROLS_REFUSED} are refused): they make text display in another order than it is stored`,
    });
  }
}
