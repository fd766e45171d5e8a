import { describe, expect, it } from 'vitest';
import { ReturnTargets } from './return-to.js';

const targets = new ReturnTargets({
  publicUrl: 'https://api.example.com',
  frontendUrl: 'https://app.example.com/start',
  corsOrigins: ['https://admin.example.com'],
});

describe(ReturnTargets.name, () => {
  it('keeps a path here and URLs on the allowed origins', () => {
    const kept: [string, string][] = [
      ['/routers?x=1#top', '/routers?x=1#top'],
      ['https://api.example.com/p', 'https://api.example.com/p'],
      ['https://app.example.com/?login=success', 'https://app.example.com/?login=success'],
      ['https://admin.example.com', 'https://admin.example.com/'],
    ];
    for (const [input, target] of kept) {
      expect(targets.resolve(input), input).toBe(target);
    }
  });

  it('replaces anything else by FRONTEND_URL', () => {
    for (const bad of [
      undefined,
      '',
      '//evil.example/x',
      '/\\evil.example',
      '/a\nb',
      'https://evil.example/',
      'http://app.example.com/',
      'https://app.example.com.evil.example/',
      'https://user@app.example.com/',
      'javascript:alert(1)',
      'data:text/html,x',
      `/${'a'.repeat(2048)}`,
    ]) {
      expect(targets.resolve(bad), String(bad)).toBe('https://app.example.com/start');
    }
    const noFrontend = new ReturnTargets({
      publicUrl: 'http://localhost:8080',
      frontendUrl: null,
      corsOrigins: [],
    });
    expect(noFrontend.resolve('https://evil.example/')).toBe('/');
  });

  it('adds the error to the query, a path staying a path', () => {
    expect(ReturnTargets.withError('/a?b=1#h', 'OIDC_FLOW_USED')).toBe(
      '/a?b=1&error=OIDC_FLOW_USED#h',
    );
    expect(ReturnTargets.withError('https://app.example.com/start', 'X')).toBe(
      'https://app.example.com/start?error=X',
    );
  });
});
