// Types for the npm `bencode` package, used only as the oracle in differential tests.
declare module 'bencode' {
  const bencode: { encode(value: unknown): Uint8Array; decode(bytes: Uint8Array): unknown };
  export default bencode;
}
