import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      return err.problems;
    }
    throw err;
  }
  return [];
}

const GOOGLE = {
  OIDC_ISSUER_URL: 'https://accounts.google.com',
  OIDC_CLIENT_ID: 'id.apps.googleusercontent.com',
  OIDC_CLIENT_SECRET: 'secret',
};

describe('OpenID sign-in settings', () => {
  it('are off by default; PUBLIC_URL defaults to where the server listens', () => {
    const sut = loadConfig({ HOST: '0.0.0.0', PORT: '9000' });
    expect(sut.oidc).toBeNull();
    expect(sut.publicUrl).toBe('http://localhost:9000');
    expect(sut.frontendUrl).toBeNull();
  });

  it('read the provider, named Google unless told otherwise', () => {
    const sut = loadConfig({ ...GOOGLE, PUBLIC_URL: 'https://api.example.com/' });
    expect(sut.oidc).toEqual({
      issuerUrl: 'https://accounts.google.com',
      clientId: GOOGLE.OIDC_CLIENT_ID,
      clientSecret: 'secret',
      providerName: 'Google',
    });
    expect(sut.publicUrl).toBe('https://api.example.com');
  });

  it('need the client id and secret with an issuer', () => {
    const problems = problemsOf({ OIDC_ISSUER_URL: 'https://accounts.google.com' });
    expect(problems.join('\n')).toContain('OIDC_CLIENT_ID and OIDC_CLIENT_SECRET missing');
  });

  it('refuse a plain-http issuer unless it is on loopback', () => {
    expect(problemsOf({ ...GOOGLE, OIDC_ISSUER_URL: 'http://idp.example.com' }).join()).toContain(
      'must use https://',
    );
    expect(problemsOf({ ...GOOGLE, OIDC_ISSUER_URL: 'http://127.0.0.1:4000' })).toEqual([]);
  });

  it('refuse a PUBLIC_URL with a path, and want it in production with a provider', () => {
    expect(problemsOf({ PUBLIC_URL: 'https://api.example.com/x' }).join()).toContain(
      'bare http(s) origin',
    );
    const production = problemsOf({ ...GOOGLE, NODE_ENV: 'production' });
    expect(production.join('\n')).toContain('PUBLIC_URL is required in production');
  });
});
