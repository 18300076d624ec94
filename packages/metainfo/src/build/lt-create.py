# Test helper: creates a torrent of PATH with libtorrent's own creator and prints its info hashes
# as JSON. Usage: lt-create.py PATH PIECE_LENGTH v1|v2|hybrid. Run inside ../shared/tools/netns-run.
import json, os, sys
import libtorrent as lt

path, piece_length, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
fs = lt.file_storage()
lt.add_files(fs, path)
flags = {'v1': lt.create_torrent.v1_only, 'v2': lt.create_torrent.v2_only, 'hybrid': 0}[mode]
ct = lt.create_torrent(fs, piece_length, flags=flags)
lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(path)))
data = lt.bencode(ct.generate())
ti = lt.torrent_info(data)
hashes = ti.info_hashes()
out = {'files': [ti.files().file_path(i) for i in range(ti.files().num_files())]}
if hashes.has_v1(): out['v1'] = str(hashes.v1)
if hashes.has_v2(): out['v2'] = hashes.v2.to_bytes().hex()
print(json.dumps(out))
