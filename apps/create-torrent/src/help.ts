// --help text. Kept next to the option table in args.ts; a test checks every option is documented.

export const MAIN_HELP = `create-torrent: make, inspect and verify .torrent files (BitTorrent v1, v2, hybrid)

Usage:
  create-torrent [create] PATH [options]     write NAME.torrent for a file or directory
  create-torrent show FILE.torrent [--json]  print what a torrent holds
  create-torrent verify FILE.torrent PATH    check data on disk against a torrent
  create-torrent magnet FILE.torrent         print the torrent's magnet link
  create-torrent help [COMMAND]              help for one command

Options for create:
  -o, --output FILE         where to write the torrent (default: NAME.torrent in the
                            current directory; an existing directory, or DIR/: NAME.torrent
                            in it; '-' writes it to stdout). Checked before hashing; a file
                            written inside PATH is left out of the torrent
  -a, --announce URL[,URL]  tracker URL; each -a is one BEP 12 tier, commas put several
                            trackers in the same tier (only when every part is a tracker
                            URL; otherwise the argument is one URL); repeatable
      --tier URL[,URL]      same as -a (one tier per use), for imdl-style command lines
  -w, --web-seed URL        BEP 19 web seed (url-list); repeatable
  -p, --private             set the BEP 27 private flag (no DHT, PEX, LSD)
  -l, --piece-length SIZE   piece length, a power of two from 16K to 16M: 256K, 1M,
                            262144, or an exponent like mktorrent's 18 (= 256K).
                            Default: chosen from the total size (see README)
      --max-piece-length SIZE  upper bound for the automatic piece length
      --v1                  BitTorrent v1 torrent (default)
      --v2                  BitTorrent v2 torrent (BEP 52)
      --hybrid              v1 + v2 in one torrent (BEP 52 with BEP 47 pad files)
  -c, --comment TEXT        comment
  -s, --source TEXT         info.source (private trackers use it to tell torrents apart)
  -n, --name NAME           torrent name (default: the file or directory name)
      --exclude GLOB        leave out files whose path matches GLOB (*, ?, **, [abc]);
                            a leading / anchors it to the top (/build); repeatable
      --include-hidden      include hidden files (names starting with '.')
      --follow-symlinks     add what symlinks point to (default: skip symlinks)
      --no-date             omit the creation date (same files -> same .torrent bytes)
      --no-created-by       omit 'created by'
      --json                print the summary as one JSON object on stdout
  -f, --force               overwrite an existing output file
  -q, --quiet               print nothing on success (errors still go to stderr)
  -t, --threads N           hash with N threads (default: one per core)
  -h, --help                this help
  -V, --version             print the version

Options for show and verify:
      --json                machine-readable output
  -q, --quiet               (verify) no progress bar
  -t, --threads N           (verify) hash with N threads

A progress bar (bytes, pieces, MB/s, ETA) is drawn on stderr when it is a terminal;
CREATE_TORRENT_PROGRESS=always|never overrides that.

Names, paths, comments and URLs are printed with control characters escaped (\\n, \\t,
\\x1b, \\u202e, ...) so they cannot act on the terminal; --json output keeps them exact.

Exit status: 0 success; 1 failure (including verify finding bad pieces); 2 usage error
(including an invalid --exclude pattern); 130 interrupted (143 on SIGTERM, 129 on SIGHUP).

Examples:
  create-torrent ./photos -a https://tracker.example/announce
  create-torrent big.iso --hybrid -l 1M -o big.torrent --no-date
  create-torrent show big.torrent --json
  create-torrent verify big.torrent ./big.iso
`;

export const TOPIC_HELP: Record<string, string> = {
  create: MAIN_HELP,
  show: `Usage: create-torrent show FILE.torrent [--json]

Prints the torrent's name, info hashes, size, pieces, trackers, web seeds, flags and file list.
--json prints one JSON object (the same schema as create --json, with a full file list).
`,
  verify: `Usage: create-torrent verify FILE.torrent PATH [--json] [-q] [-t N]

Hashes the data at PATH piece by piece and compares it with the torrent. PATH is what the torrent
was made from (its file or directory), or a directory that holds it under the torrent's name; when
both readings are possible, the one where more of the torrent's files are present with their sizes
is used. Files are looked up under their names as written in the torrent (sanitised only when a
name could leave PATH). Missing and short files count as bad pieces. Exits 0 when every piece
matches, 1 when any does not.
`,
  magnet: `Usage: create-torrent magnet FILE.torrent

Prints the torrent's magnet link (BEP 9; btmh for v2 per BEP 52), with its trackers and web seeds.
`,
};
