import { describe, expect, it } from 'vitest';
import { clientIpBehindProxies, parseTrustedProxies } from './client-ip.ts';

const xff = (v: string) => new Headers({ 'x-forwarded-for': v });

describe('clientIpBehindProxies', () => {
  it('uses the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientIpBehindProxies('203.0.113.5', xff('1.2.3.4'), [])).toBe('203.0.113.5');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(clientIpBehindProxies('203.0.113.5', xff('1.2.3.4'), ['10.0.0.1'])).toBe('203.0.113.5');
  });

  it('takes the rightmost address that is not a trusted proxy', () => {
    expect(clientIpBehindProxies('10.0.0.1', xff('6.6.6.6, 198.51.100.9, 10.0.0.2'), ['10.0.0.1', '10.0.0.2'])).toBe('198.51.100.9');
  });

  it('normalizes IPv4-mapped IPv6 and brackets', () => {
    expect(clientIpBehindProxies('::ffff:127.0.0.1', xff('[2001:db8::1]'), ['127.0.0.1'])).toBe('2001:db8::1');
  });

  it('falls back to the proxy itself when the header is missing', () => {
    expect(clientIpBehindProxies('10.0.0.1', new Headers(), ['10.0.0.1'])).toBe('10.0.0.1');
  });

  it('parses a comma-separated list', () => {
    expect(parseTrustedProxies(' 10.0.0.1, ::1 ,')).toEqual(['10.0.0.1', '::1']);
    expect(parseTrustedProxies(undefined)).toEqual([]);
  });
});
