// BEP 3 (core), BEP 5 (port), BEP 6 (fast extension) and BEP 10 (extended) message ids and types.

/** Message ids on the wire (the byte after the 4-byte length prefix). */
export const MessageId = {
  choke: 0,
  unchoke: 1,
  interested: 2,
  notInterested: 3,
  have: 4,
  bitfield: 5,
  request: 6,
  piece: 7,
  cancel: 8,
  port: 9,
  suggest: 13,
  haveAll: 14,
  haveNone: 15,
  reject: 16,
  allowedFast: 17,
  extended: 20,
} as const;

/** The 68-byte opening message of every connection. */
export interface Handshake {
  type: 'handshake';
  /** The 8 reserved bytes (feature bits); see `reserved.ts`. */
  reserved: Uint8Array;
  /** 20 bytes: a v1 SHA-1 info hash, or a v2 SHA-256 info hash truncated to 20 bytes. */
  infoHash: Uint8Array;
  /** 20 bytes chosen by the peer (BEP 20). */
  peerId: Uint8Array;
}

/** A block address: `length` bytes at `begin` within piece `index`. */
export interface BlockRef {
  index: number;
  begin: number;
  length: number;
}

/** Every message after the handshake, as the parser yields it. */
export type Message =
  | { type: 'keep-alive' }
  | { type: 'choke' }
  | { type: 'unchoke' }
  | { type: 'interested' }
  | { type: 'not-interested' }
  | { type: 'have'; index: number }
  /** Raw bitfield bytes, high bit first; a view into the received bytes. */
  | { type: 'bitfield'; bitfield: Uint8Array }
  | ({ type: 'request' } & BlockRef)
  /** `block` is a view into the received bytes (copied only if the message straddled chunks). */
  | { type: 'piece'; index: number; begin: number; block: Uint8Array }
  | ({ type: 'cancel' } & BlockRef)
  /** BEP 5: the peer's DHT port. */
  | { type: 'port'; port: number }
  | { type: 'suggest'; index: number }
  | { type: 'have-all' }
  | { type: 'have-none' }
  | ({ type: 'reject' } & BlockRef)
  | { type: 'allowed-fast'; index: number }
  /** BEP 10: `id` is the extended message id (0 = extension handshake), `payload` the bytes after it. */
  | { type: 'extended'; id: number; payload: Uint8Array }
  /** Any other message id (e.g. BEP 52 hash messages); ignored by the session. */
  | { type: 'unknown'; id: number; payload: Uint8Array };

/** The `type` of each {@link Message}. */
export type MessageType = Message['type'];

/** A handshake or a message: what {@link WireParser} yields. */
export type WireEvent = Handshake | Message;
