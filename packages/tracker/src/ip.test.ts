import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatIp, parseIPv4, parseIPv6, parseIp } from './ip.ts';

describe('ip', () => {
  it('parses IPv4 and rejects junk', () => {
    expect(parseIPv4('127.0.0.1')).toEqual(new Uint8Array([127, 0, 0, 1]));
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.1.1.1', '1..1.1', 'a.b.c.d', '1.2.3.4 ']) {
      expect(parseIPv4(bad)).toBeNull();
    }
  });
  it('parses IPv6 forms and maps IPv4-mapped to 4 bytes', () => {
    expect(formatIp(parseIPv6('::1')!)).toBe('::1');
    expect(formatIp(parseIPv6('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIp(parseIPv6('[fe80::1%eth0]')!)).toBe('fe80::1');
    expect(parseIp('::ffff:10.1.2.3')).toEqual(new Uint8Array([10, 1, 2, 3]));
    for (const bad of [':::', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1', '::1.2.3']) expect(parseIPv6(bad)).toBeNull();
  });
  it('round-trips any address through text', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
      expect(parseIPv6(formatIp(b))).toEqual(b);
    }));
    fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
      expect(parseIp(formatIp(b))).toEqual(b);
    }));
  });
  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => { parseIp(s); }));
  });
});
