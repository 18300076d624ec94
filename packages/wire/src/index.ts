// @torrentkit/wire: the BitTorrent peer wire protocol (BEP 3) with the fast extension (BEP 6), the
// extension protocol (BEP 10), ut_metadata (BEP 9) and ut_pex (BEP 11). Sans-I/O: no sockets here;
// the TCP adapter lives in `@torrentkit/wire/tcp`.
export { WireError, type WireErrorCode } from './errors.ts';
export { MessageId, type BlockRef, type Handshake, type Message, type MessageType, type WireEvent } from './messages.ts';
export { decodeReserved, encodeReserved, type Features } from './reserved.ts';
export { decodeHandshake, encodeHandshake, handshakeInfoHash, HANDSHAKE_LENGTH, PROTOCOL, type HandshakeInit } from './handshake.ts';
export {
  encodeAllowedFast,
  encodeBitfield,
  encodeCancel,
  encodeChoke,
  encodeExtended,
  encodeHave,
  encodeHaveAll,
  encodeHaveNone,
  encodeInterested,
  encodeKeepAlive,
  encodeMessage,
  encodeNotInterested,
  encodePiece,
  encodePieceHeader,
  encodePort,
  encodeReject,
  encodeRequest,
  encodeSuggest,
  encodeUnchoke,
  PIECE_HEADER_LENGTH,
  REQUEST_LENGTH,
  writeBlockMessage,
} from './encode.ts';
export { WireParser, type ParserOptions, type WireEventHandler } from './parser.ts';
export { Bitfield } from './bitfield.ts';
export { allowedFastSet } from './allowed-fast.ts';
export { decodeExtendedHandshake, encodeExtendedHandshake, type ExtendedHandshake } from './extension-handshake.ts';
export { ExtensionRegistry, UT_METADATA, UT_PEX } from './extensions.ts';
export {
  decodeMetadataMessage,
  encodeMetadataMessage,
  MAX_METADATA_SIZE,
  METADATA_PIECE_SIZE,
  MetadataAssembler,
  metadataPieceCount,
  type MetadataMessage,
} from './ut-metadata.ts';
export { decodePex, encodePex, MAX_PEX_PEERS, PexFlags, type PexMessage, type PexPeer } from './ut-pex.ts';
export { decodeCompactPeers, encodeCompactPeers, formatIp, parseIp, type PeerAddress } from './compact.ts';
export {
  PeerSession,
  type PeerSessionOptions,
  type RequestFailure,
  type SessionEvent,
  type TorrentShape,
} from './session.ts';
export { pieceAlignedShape } from './piece-size.ts';
