// Types for the npm `parse-torrent` package, used only by the differential test.
declare module 'parse-torrent' {
  const parseTorrent: (torrentId: unknown) => Promise<unknown>;
  export default parseTorrent;
}
