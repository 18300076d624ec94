import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clientKey, formatIp, parseIPv4, parseIPv6, parseIp } from './ip.ts';

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
  it('keys clients by IPv4 address or IPv6 prefix', () => {
    const key = (s: string, bits?: number) => clientKey(parseIp(s)!, bits);
    expect(key('2001:db8:1:2::1')).toBe(key('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(key('2001:db8:1:2::1')).not.toBe(key('2001:db8:1:3::1'));
    expect(key('::ffff:10.1.2.3')).toBe(key('10.1.2.3'));
    expect(key('10.1.2.3')).not.toBe(key('10.1.2.4'));
    // A 4-byte IPv6 prefix must not collide with an IPv4 address.
    expect(key('a01:203::1', 32)).not.toBe(key('10.1.2.3'));
    expect(key('2001:db8:1:ff00::1', 52)).toBe(key('2001:db8:1:f000::', 52));
    expect(key('2001:db8:1:ff00::1', 52)).not.toBe(key('2001:db8:1:e000::', 52));
    expect(key('2001:db8::1', 128)).not.toBe(key('2001:db8::2', 128));
  });
  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => { parseIp(s); }));
  });
});
