import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { parseDisplayName } from './display-name.js';

interface FieldProblemLike {
  field: string;
  message: string;
}

function problem(fn: () => unknown): { field: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    const { details } = err as ValidationError & { details: { fields: [FieldProblemLike] } };
    return details.fields[0];
  }
  throw new Error('expected a validation error');
}

describe(parseDisplayName.name, () => {
  it('trims and keeps names in any script, emoji sequences and joiners included', () => {
    expect(parseDisplayName('  Living room TV ', 'body.name')).toBe('Living room TV');
    for (const name of ['راوتر المنزل', 'הנתב שלי 2', 'می‌خواهم', 'Family 👨‍👩‍👧', 'Ünïcödé']) {
      expect(parseDisplayName(name, 'body.name')).toBe(name);
    }
  });

  it('refuses bidirectional formatting characters, also where trimming would not reach', () => {
    for (const name of ['Printer\u202eexe.txt', '\u2067Home', 'Home\u200f', ' \u200e ']) {
      const { field, message } = problem(() => parseDisplayName(name, 'body.name'));
      expect(field).toBe('body.name');
      expect(message, JSON.stringify(name)).toContain('bidirectional formatting characters');
    }
  });

  it('still refuses control characters, blanks and over-long names', () => {
    expect(problem(() => parseDisplayName('tab\there', 'n')).message).toContain('control');
    expect(problem(() => parseDisplayName('nul\u0000', 'n')).message).toContain('control');
    expect(problem(() => parseDisplayName('   ', 'n')).message).toContain('1 to 100');
    expect(problem(() => parseDisplayName('n'.repeat(101), 'n')).message).toContain('1 to 100');
  });
});
