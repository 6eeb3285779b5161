import { describe, expect, it } from 'vitest';
import { corsAllowList, corsDecision } from '../../src/cors.js';

describe('CORS', () => {
  const allow = corsAllowList(['https://app.example.com', '*', 'not a url', 'https://b.example.com/']);

  it('keeps well-formed origins and never *', () => {
    expect([...allow]).toEqual(['https://app.example.com', 'https://b.example.com']);
  });

  it('echoes an allowed origin with credentials', () => {
    const d = corsDecision(allow, 'GET', 'https://app.example.com', undefined);
    expect(d.kind).toBe('allowed');
    if (d.kind !== 'allowed') return;
    expect(d.preflight).toBe(false);
    expect(d.headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
    expect(d.headers['Access-Control-Allow-Credentials']).toBe('true');
    expect(d.headers['Access-Control-Expose-Headers']).toContain('RateLimit');
  });

  it('answers preflights of allowed origins', () => {
    const d = corsDecision(allow, 'OPTIONS', 'https://b.example.com', 'PATCH');
    expect(d.kind === 'allowed' && d.preflight).toBe(true);
    if (d.kind !== 'allowed') return;
    expect(d.headers['Access-Control-Allow-Methods']).toContain('PATCH');
    expect(d.headers['Access-Control-Allow-Headers']).toContain('Authorization');
  });

  it('denies other origins and ignores requests without Origin', () => {
    expect(corsDecision(allow, 'GET', 'https://evil.example.com', undefined).kind).toBe('denied');
    expect(corsDecision(allow, 'GET', 'https://app.example.com.evil.com', undefined).kind).toBe('denied');
    expect(corsDecision(allow, 'GET', 'null', undefined).kind).toBe('denied');
    expect(corsDecision(allow, 'GET', undefined, undefined).kind).toBe('none');
  });
});
