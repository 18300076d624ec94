import { describe, expect, it } from 'vitest';
import { clientIpBehindProxies } from './forwarded-for.ts';

describe('clientIpBehindProxies', () => {
  it('uses the socket address unless it is a trusted proxy', () => {
    expect(clientIpBehindProxies('203.0.113.5', '1.2.3.4', [])).toBe('203.0.113.5');
    expect(clientIpBehindProxies('203.0.113.5', '1.2.3.4', ['10.0.0.1'])).toBe('203.0.113.5');
    expect(clientIpBehindProxies(undefined, '1.2.3.4', ['10.0.0.1'])).toBeUndefined();
  });
  it('takes the rightmost hop that no trusted proxy added', () => {
    expect(clientIpBehindProxies('10.0.0.1', '6.6.6.6, 198.51.100.9, 10.0.0.2', ['10.0.0.1', '10.0.0.2'])).toBe('198.51.100.9');
    expect(clientIpBehindProxies('10.0.0.1', '10.0.0.2', new Set(['10.0.0.1', '10.0.0.2']))).toBe('10.0.0.2');
  });
  it('normalizes IPv4-mapped IPv6 and brackets, and falls back to the proxy without a header', () => {
    expect(clientIpBehindProxies('::ffff:127.0.0.1', '[2001:DB8::1]', ['127.0.0.1'])).toBe('2001:db8::1');
    expect(clientIpBehindProxies('10.0.0.1', null, ['10.0.0.1'])).toBe('10.0.0.1');
    expect(clientIpBehindProxies('10.0.0.1', ' , ', ['10.0.0.1'])).toBe('10.0.0.1');
  });
});
