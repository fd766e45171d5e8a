import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/errors.js';
import { ApiError } from './client';
import { describeError, ERROR_SENTENCES } from './errors';

describe('the console’s error sentences', () => {
  it('has a sentence for every code the API answers', () => {
    const missing = Object.keys(ERROR_CODES).filter((code) => !(code in ERROR_SENTENCES));
    expect(missing).toEqual([]);
  });

  it('keeps the router’s own words as details, and lists the fields of a validation error', () => {
    const refused = describeError(
      new ApiError(502, 'ROUTER_COMMAND_FAILED', 'uci: Entry not found'),
    );
    expect(refused).toEqual({
      sentence: 'The router refused the command. Nothing was changed.',
      routerWords: null,
      details: 'uci: Entry not found',
      fields: [],
    });
    const withWords = describeError(
      new ApiError(502, 'ROUTER_COMMAND_FAILED', 'The Commands-Server reported a failure', {
        upstreamMessage: ' iptables: chain FORWARD is locked ',
      }),
    );
    expect(withWords.routerWords).toBe('iptables: chain FORWARD is locked');
    const invalid = describeError(
      new ApiError(400, 'VALIDATION_FAILED', 'body.ip: invalid', {
        fields: [{ field: 'body.ip', message: 'must be an IPv4 address' }],
      }),
    );
    expect(invalid.fields).toEqual([{ field: 'body.ip', message: 'must be an IPv4 address' }]);
  });

  it('shows what the router said when a Commands-Server call failed', () => {
    const refused = describeError(
      new ApiError(502, 'ROUTER_COMMAND_FAILED', 'The Commands-Server reported that "x" failed.', {
        operation: 'blacklist.add',
        upstreamStatus: 500,
        upstreamCode: 'COMMAND_FAILED',
        upstreamMessage: 'Failed to update state file on router.',
      }),
    );
    expect(refused.routerWords).toBe('Failed to update state file on router.');
    expect(refused.details).toBeNull();
  });

  it('says something for a code it does not know', () => {
    expect(describeError(new ApiError(418, 'TEAPOT', 'short and stout')).sentence).toBe(
      'The server answered an error (418).',
    );
  });
});
