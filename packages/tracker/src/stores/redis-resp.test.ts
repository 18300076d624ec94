import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCommand, RedisReplyError, RespParser, RespProtocolError, type RedisReply } from './redis-resp.ts';

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);

/** Serializes a reply the way a server would (test-side encoder). */
function serialize(r: RedisReply): Uint8Array {
  const parts: Uint8Array[] = [];
  const walk = (v: RedisReply) => {
    if (v === null) parts.push(bytes('$-1\r\n'));
    else if (typeof v === 'number') parts.push(bytes(`:${v}\r\n`));
    else if (typeof v === 'string') parts.push(bytes(`+${v}\r\n`));
    else if (v instanceof RedisReplyError) parts.push(bytes(`-${v.message}\r\n`));
    else if (v instanceof Uint8Array) { parts.push(bytes(`$${v.length}\r\n`), v, bytes('\r\n')); }
    else { parts.push(bytes(`*${v.length}\r\n`)); v.forEach(walk); }
  };
  walk(r);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

const replyArb: fc.Arbitrary<RedisReply> = fc.letrec((tie) => ({
  reply: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.integer({ min: -1e12, max: 1e12 }),
    fc.stringMatching(/^[a-zA-Z0-9 ]{0,20}$/),
    fc.uint8Array({ maxLength: 64 }),
    fc.array(tie('reply'), { maxLength: 5 }),
  ),
})).reply as fc.Arbitrary<RedisReply>;

describe('RESP codec', () => {
  it('encodes a command as an array of bulk strings', () => {
    expect(new TextDecoder().decode(encodeCommand(['SET', 'k', 7, new Uint8Array([0, 13, 10])]))).toBe(
      '*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n7\r\n$3\r\n\0\r\n\r\n');
  });

  it('parses every reply type, binary bulk strings intact, errors as values', () => {
    const p = new RespParser();
    const out = p.push(bytes('+OK\r\n-ERR nope\r\n:42\r\n$-1\r\n*2\r\n$3\r\na\r\n\r\n:-1\r\n*-1\r\n'));
    expect(out[0]).toBe('OK');
    expect(out[1]).toBeInstanceOf(RedisReplyError);
    expect((out[1] as RedisReplyError).kind).toBe('ERR');
    expect(out.slice(2)).toEqual([42, null, [new Uint8Array([97, 13, 10]), -1], null]);
  });

  it('round-trips any reply split into arbitrary chunks', () => {
    fc.assert(fc.property(fc.array(replyArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 7 }), (replies, step) => {
      // Serialize the list as one array reply, then drop the array header: a stream of replies.
      const stream = serialize(replies).subarray(bytes(`*${replies.length}\r\n`).length);
      const p = new RespParser();
      const got: RedisReply[] = [];
      for (let i = 0; i < stream.length; i += step) got.push(...p.push(stream.subarray(i, i + step)));
      expect(got).toEqual(replies);
      expect(p.pending).toBe(0);
    }), { numRuns: 300 });
  });

  it('never throws anything but RespProtocolError on garbage, and never hangs', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => {
      const p = new RespParser({ maxBulk: 1024, maxArray: 100 });
      try {
        p.push(junk);
      } catch (e) {
        expect(e).toBeInstanceOf(RespProtocolError);
      }
    }), { numRuns: 1000 });
  });

  it('refuses oversized bulk strings and arrays before allocating them', () => {
    expect(() => new RespParser({ maxBulk: 10 }).push(bytes('$11\r\n'))).toThrow(RespProtocolError);
    expect(() => new RespParser({ maxArray: 3 }).push(bytes('*4\r\n'))).toThrow(RespProtocolError);
    expect(() => new RespParser({ maxDepth: 2 }).push(bytes('*1\r\n*1\r\n*1\r\n:1\r\n'))).toThrow(RespProtocolError);
  });
});
