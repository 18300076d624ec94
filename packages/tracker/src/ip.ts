// Text <-> bytes for IP addresses. Peers are stored and sent as 4-byte (IPv4) or 16-byte (IPv6)
// addresses; IPv4-mapped IPv6 (::ffff:a.b.c.d, as dual-stack sockets report IPv4 clients) becomes 4 bytes.

/** Parse dotted IPv4 text into 4 bytes, or null. */
export function parseIPv4(text: string): Uint8Array | null {
  const out = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 3) return null;
      out[part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return null; // no leading zeros (octal ambiguity)
      value = value * 10 + (c - 48);
      if (value > 255 || ++digits > 3) return null;
    } else return null;
  }
  return part === 4 ? out : null;
}

/** Parse IPv6 text (with `::`, optional embedded IPv4, optional [brackets] and %zone) into 16 bytes, or null. */
export function parseIPv6(text: string): Uint8Array | null {
  if (text.length > 2 && text.charCodeAt(0) === 91 && text.charCodeAt(text.length - 1) === 93) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (text.length < 2 || text.length > 45) return null;
  const out = new Uint8Array(16);
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const parts = s.split(':');
    const words: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (!v4) return null;
        words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
        words.push(parseInt(p, 16));
      }
    }
    return words;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) return null;
  head.forEach((w, i) => { out[i * 2] = w >> 8; out[i * 2 + 1] = w & 255; });
  tail.forEach((w, i) => { const j = 8 - tail.length + i; out[j * 2] = w >> 8; out[j * 2 + 1] = w & 255; });
  return out;
}

/** True when 16 bytes are an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
export function isV4Mapped(ip: Uint8Array): boolean {
  if (ip.length !== 16 || ip[10] !== 255 || ip[11] !== 255) return false;
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
  return true;
}

/** Parse IPv4 or IPv6 text; IPv4-mapped IPv6 comes back as 4 bytes. Null when it is neither. */
export function parseIp(text: string): Uint8Array | null {
  const v4 = parseIPv4(text);
  if (v4) return v4;
  const v6 = parseIPv6(text);
  if (!v6) return null;
  return isV4Mapped(v6) ? v6.slice(12) : v6;
}

/** Format 4 or 16 address bytes as text (IPv6 in RFC 5952 short form). */
export function formatIp(ip: Uint8Array): string {
  if (ip.length === 4) return `${ip[0]}.${ip[1]}.${ip[2]}.${ip[3]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((ip[i]! << 8) | ip[i + 1]!);
  // Longest run (>= 2) of zero words becomes "::".
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (best < 0) return hex(words);
  return `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLen))}`;
}

/**
 * The part of an address a per-client limit should count as one client: IPv4 addresses whole, IPv6
 * addresses by their first `v6PrefixBits` bits. An IPv6 host usually holds a whole /64 and may use
 * any address in it (privacy extensions rotate them), so counting full IPv6 addresses limits nothing.
 * Takes 4 or 16 bytes as {@link parseIp} returns them (IPv4-mapped IPv6 already as 4 bytes).
 */
export function clientKey(ip: Uint8Array, v6PrefixBits = 64): string {
  if (ip.length === 4) return `${ip[0]}.${ip[1]}.${ip[2]}.${ip[3]}`;
  const whole = v6PrefixBits >> 3;
  const rest = v6PrefixBits & 7;
  // A '/' keeps IPv6 keys apart from IPv4 ones; the bytes themselves make a compact key.
  let key = '/';
  for (let i = 0; i < whole; i++) key += String.fromCharCode(ip[i]!);
  if (rest) key += String.fromCharCode(ip[whole]! & (0xff << (8 - rest)) & 0xff);
  return key;
}
