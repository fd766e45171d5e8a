import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { parseDescription } from './description.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).message;
  }
  throw new Error('expected a validation error');
}

describe(parseDescription.name, () => {
  it('keeps line breaks, tabs and right-to-left text', () => {
    for (const text of ['line one\nline two\tend', 'مكتب الطابق الثاني', '', 'x'.repeat(500)]) {
      expect(parseDescription(text, 'body.description')).toBe(text);
    }
  });

  it('refuses bidirectional formatting characters, on any line', () => {
    for (const text of ['by the door\n\u202esecret', '\u2066x\u2069', 'note\u061c']) {
      const answer = message(() => parseDescription(text, 'body.description'));
      expect(answer, JSON.stringify(text)).toContain(
        'body.description: must not contain invisible bidirectional formatting characters',
      );
    }
  });

  it('still refuses other control characters and over-long text', () => {
    expect(message(() => parseDescription('a\u0000b', 'd'))).toContain('control characters');
    expect(message(() => parseDescription('x'.repeat(501), 'd'))).toContain('at most 500');
  });
});
