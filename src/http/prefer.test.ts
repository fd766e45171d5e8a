import { describe, expect, it } from 'vitest';
import { prefersRespondAsync } from './prefer.js';

describe('prefersRespondAsync', () => {
  it('finds respond-async among preferences, in any case, with or without parameters', () => {
    expect(prefersRespondAsync('respond-async')).toBe(true);
    expect(prefersRespondAsync('return=minimal, Respond-Async; foo=1')).toBe(true);
    expect(prefersRespondAsync(['wait=10', 'respond-async'])).toBe(true);
  });

  it('is false without it', () => {
    expect(prefersRespondAsync(undefined)).toBe(false);
    expect(prefersRespondAsync('')).toBe(false);
    expect(prefersRespondAsync('respond-asynchronously, wait=5')).toBe(false);
  });
});
