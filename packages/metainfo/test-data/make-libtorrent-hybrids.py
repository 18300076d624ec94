# Regenerates the libtorrent-made hybrid torrents in this folder with libtorrent's own creator
# (`lt.create_torrent` without `v1_only`), 16 KiB pieces, no creation date. Run from this folder:
#   ../../../../shared/tools/netns-run /usr/bin/python3 make-libtorrent-hybrids.py
# The data is rebuilt in a temp dir from fixed bytes, so the torrents come out the same each time.
import os, shutil, tempfile
import libtorrent as lt

def make(out, files, symlinks=()):
    tmp = tempfile.mkdtemp()
    try:
        root = os.path.join(tmp, 'd')
        os.mkdir(root)
        for name, data in files:
            with open(os.path.join(root, name), 'wb') as f:
                f.write(data)
        for name, target in symlinks:
            os.symlink(target, os.path.join(root, name))
        fs = lt.file_storage()
        lt.add_files(fs, root, flags=lt.create_torrent.symlinks)
        ct = lt.create_torrent(fs, 16384, flags=lt.create_torrent.symlinks)
        ct.set_creator('libtorrent')
        lt.set_piece_hashes(ct, tmp)
        e = ct.generate()
        e.pop(b'creation date', None)
        e.pop('creation date', None)
        data = lt.bencode(e)
        with open(out, 'wb') as f:
            f.write(data)
        ti = lt.torrent_info(data)
        fst = ti.files()
        print(out, str(ti.info_hashes().v1), ti.info_hashes().v2.to_bytes().hex())
        for i in range(fst.num_files()):
            print('  ', fst.file_path(i), fst.file_size(i), fst.file_offset(i))
    finally:
        shutil.rmtree(tmp)

a = b'hello world' * 100                      # 1,100 bytes: ends mid-piece
c = bytes((i * 7) & 0xff for i in range(20000))  # 20,000 bytes: ends mid-piece
make('lt-hybrid-empty-files.torrent', [('a.txt', a), ('b-empty', b''), ('c.bin', c), ('z-empty', b'')])
make('lt-hybrid-symlink.torrent', [('a.txt', a), ('c.bin', c), ('d-empty', b'')], symlinks=[('b-link', 'a.txt')])
