import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { assertNoBidiControls } from './bidi-controls.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).message;
  }
  throw new Error('expected a validation error');
}

const hex = (char: string) => char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');

describe(assertNoBidiControls.name, () => {
  it('refuses the embeddings, overrides, isolates and implicit marks, naming the one found', () => {
    const refused = [
      ...['\u202a', '\u202b', '\u202c', '\u202d', '\u202e'],
      ...['\u2066', '\u2067', '\u2068', '\u2069'],
      ...['\u200e', '\u200f', '\u061c'],
    ];
    for (const char of refused) {
      for (const text of [`Printer${char}exe.txt`, `${char}Home`, `Home${char}`]) {
        const answer = message(() => assertNoBidiControls(text, 'body.name'));
        expect(answer, hex(char)).toContain(`body.name: must not contain invisible bidirectional`);
        expect(answer, hex(char)).toContain(`found U+${hex(char)}`);
        expect(answer).toContain('U+202A–U+202E, U+2066–U+2069, U+200E, U+200F and U+061C');
      }
    }
  });

  it('leaves their neighbours alone: joiners, the narrow no-break space, the word joiner', () => {
    for (const char of ['\u200c', '\u200d', '\u202f', '\u2060', '\u2029', '\u206a']) {
      expect(() => assertNoBidiControls(`a${char}b`, 'f'), hex(char)).not.toThrow();
    }
    for (const text of ['راوتر المنزل', 'הנתב שלי 2', 'می‌خواهم', 'Family 👨‍👩‍👧']) {
      expect(() => assertNoBidiControls(text, 'f'), text).not.toThrow();
    }
  });
});
