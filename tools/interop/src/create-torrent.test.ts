// Interop of the create-torrent CLI with independent torrent makers and readers (Debian packages):
// - mktorrent 1.1: same data, piece length and options -> the same v1 info hash;
// - libtorrent 2.0 (python3-libtorrent): its own creator (lt.create_torrent, canonical v2 order) gives
//   the same v2 and hybrid info hashes as ours, and its reader accepts ours with the hashes we print;
// - transmission-show: accepts our v1 torrents with the hash we print; for v2/hybrid it must treat ours
//   exactly as it treats libtorrent's (Transmission 3.00 reads neither; 4.x reads both).
// The CLI runs in-process through its main() (the same code as the bin), so no build is needed.
// mktorrent and the rest make no network traffic, but the project rule is that every third-party
// BitTorrent program runs inside ../shared/tools/netns-run: the suite skips elsewhere.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../apps/create-torrent/src/main.ts';

const PYTHON = '/usr/bin/python3';

/** Inside a namespace whose only link is loopback (as lt-peer.py checks; /sys/class/net shows the host's). */
function isolated(): boolean {
  const r = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  if (r.status !== 0) return false;
  const names = r.stdout.split('\n').filter((l) => l.includes(': ')).map((l) => l.split(': ')[1]!.split('@')[0]);
  return names.length > 0 && names.every((n) => n === 'lo');
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function hasLibtorrent(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import libtorrent'], { stdio: 'ignore' }).status === 0;
}

const inNetns = isolated();
const haveMk = inNetns && has('mktorrent');
const haveShow = inNetns && has('transmission-show');
const haveLt = inNetns && hasLibtorrent();
if (!inNetns) console.warn('create-torrent interop: skipped, not inside ../shared/tools/netns-run (only loopback allowed)');
else {
  if (!haveMk) console.warn('create-torrent interop: mktorrent tests skipped, mktorrent missing (apt-get install mktorrent)');
  if (!haveShow) console.warn('create-torrent interop: transmission-show tests skipped, transmission-cli missing');
  if (!haveLt) console.warn('create-torrent interop: libtorrent tests skipped, python3-libtorrent missing');
}

/** Runs our CLI in-process; returns its exit code and output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const dec = new TextDecoder();
  const code = await main(args, {
    stdout: { write: (t) => { stdout += typeof t === 'string' ? t : dec.decode(t); } },
    stderr: { write: (t) => { stderr += typeof t === 'string' ? t : dec.decode(t); } },
    env: {},
  });
  return { code, stdout, stderr };
}

/** Our CLI with --json: the info hashes it prints. */
async function ours(path: string, out: string, extra: string[]): Promise<{ infoHash: string | null; infoHashV2: string | null }> {
  const r = await cli([path, '-o', out, '--json', '-f', ...extra]);
  if (r.code !== 0) throw new Error(`create-torrent ${extra.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { infoHash: string | null; infoHashV2: string | null };
}

function run(cmd: string, args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 30_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** transmission-show's v1 hash (`Hash:` in 3.00, `Hash v1:` in 4.x), or null when it cannot parse the file. */
function transmissionShow(torrent: string): { ok: boolean; v1: string | null; v2: string | null } {
  const r = run('transmission-show', [torrent]);
  const v1 = /^\s*Hash(?: v1)?:\s*([0-9a-f]{40})\s*$/m.exec(r.stdout)?.[1] ?? null;
  const v2 = /^\s*Hash v2:\s*([0-9a-f]{64})\s*$/m.exec(r.stdout)?.[1] ?? null;
  return { ok: r.status === 0 && !/Error parsing/.test(r.stdout + r.stderr), v1, v2 };
}

// One Python run per call: create torrents with libtorrent's own creator and/or read torrent files,
// printing info hashes as JSON. Kept in one process because importing libtorrent costs ~0.2 s.
const LT_SCRIPT = `
import json, sys, os
import libtorrent as lt
job = json.load(sys.stdin)
out = {'created': {}, 'read': {}}
for c in job.get('create', []):
    fs = lt.file_storage()
    lt.add_files(fs, c['path'])
    flags = {'v1': lt.create_torrent.v1_only, 'v2': lt.create_torrent.v2_only, 'hybrid': 0}[c['kind']]
    ct = lt.create_torrent(fs, c['piece'], flags=flags)
    lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(c['path'])))
    data = lt.bencode(ct.generate())
    ih = lt.torrent_info(data).info_hashes()
    out['created'][c['id']] = {'v1': str(ih.v1) if ih.has_v1() else None, 'v2': str(ih.v2) if ih.has_v2() else None}
for path in job.get('read', []):
    try:
        ti = lt.torrent_info(path)
        ih = ti.info_hashes()
        out['read'][path] = {'ok': True, 'v1': str(ih.v1) if ih.has_v1() else None, 'v2': str(ih.v2) if ih.has_v2() else None,
                             'pieces': ti.num_pieces(), 'pieceLength': ti.piece_length(), 'files': ti.num_files(), 'name': ti.name()}
    except Exception as e:
        out['read'][path] = {'ok': False, 'error': str(e)}
print(json.dumps(out))
`;

interface LtOut {
  created: Record<string, { v1: string | null; v2: string | null }>;
  read: Record<string, { ok: boolean; v1?: string | null; v2?: string | null; pieces?: number; pieceLength?: number; name?: string; error?: string }>;
}

function libtorrent(job: { create?: Array<{ id: string; path: string; kind: 'v1' | 'v2' | 'hybrid'; piece: number }>; read?: string[] }): LtOut {
  const r = run(PYTHON, ['-c', LT_SCRIPT], JSON.stringify(job));
  if (r.status !== 0) throw new Error(`libtorrent script failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as LtOut;
}

/** Deterministic bytes. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed || 1;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; out[i] = x & 0xff; }
  return out;
}

function writeTree(root: string, files: Record<string, number>): void {
  let seed = 7;
  for (const [rel, len] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), bytes(len, seed++), { mode: 0o644 });
  }
}

let dir = '';
let multi = ''; // a directory tree: odd sizes, an empty file, nested dirs, names that sort differently by locale and by byte
let single = ''; // one file
let dotted = ''; // a tree with hidden files (mktorrent includes them; we do with --include-hidden)
let latin1 = ''; // file and directory names that are not UTF-8

beforeAll(() => {
  if (!inNetns) return;
  dir = mkdtempSync(join(tmpdir(), 'ct-interop-'));
  multi = join(dir, 'Tree Data');
  writeTree(multi, {
    'a.bin': 100_003,
    'B.bin': 65_536,
    'empty.dat': 0,
    'sub/deeper/x.bin': 1,
    'sub/deeper/y.bin': 49_999,
    'sub/z z.txt': 16_384,
    'sub-dir/q.bin': 33_000,
    'zeta/ünïcode-näme.bin': 20_000,
  });
  dotted = join(dir, 'dotted');
  writeTree(dotted, { '.hidden': 1000, '.git/config': 200, 'visible.bin': 70_000 });
  // Names that are not UTF-8 (Latin-1 bytes, legal on Linux): made by the shell, since not every
  // runtime's node:fs can create them.
  latin1 = join(dir, 'latin1');
  writeTree(latin1, { 'plain.bin': 5000 });
  run('sh', ['-c', `printf 'caf\\351 data' > "$(printf '${latin1}/caf\\351.txt')" && mkdir "$(printf '${latin1}/r\\351p')" && printf x > "$(printf '${latin1}/r\\351p/\\377')"`]);
  single = join(dir, 'single file.bin');
  writeFileSync(single, bytes(300_001, 99));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

(haveMk ? describe : describe.skip)('create-torrent vs mktorrent (v1 info hash)', () => {
  const cases: Array<{ what: string; target: () => string; mk: string[]; ct: string[]; skip?: boolean }> = [
    { what: 'directory, 32 KiB pieces (mktorrent\'s smallest)', target: () => multi, mk: ['-l', '15'], ct: ['-l', '32K'] },
    { what: 'directory, 256 KiB pieces (mktorrent default)', target: () => multi, mk: [], ct: ['-l', '256K'] },
    { what: 'directory, 128 KiB, private + source', target: () => multi, mk: ['-l', '17', '-p', '-s', 'TK'], ct: ['-l', '128K', '-p', '-s', 'TK'] },
    { what: 'directory, renamed', target: () => multi, mk: ['-l', '16', '-n', 'other name'], ct: ['-l', '64K', '-n', 'other name'] },
    { what: 'single file, 64 KiB', target: () => single, mk: ['-l', '16'], ct: ['-l', '64K'] },
    { what: 'hidden files, with --include-hidden', target: () => dotted, mk: ['-l', '15'], ct: ['-l', '32K', '--include-hidden'] },
    // Deno's node:fs reads such names only as U+FFFD, so the CLI refuses them there (tested in metainfo).
    { what: 'names that are not UTF-8 (raw bytes in the paths)', target: () => latin1, mk: ['-l', '15'], ct: ['-l', '32K'], skip: 'Deno' in globalThis },
  ];
  for (const c of cases) {
    it.skipIf(c.skip ?? false)(c.what, async () => {
      const mkOut = join(dir, 'mk.torrent');
      rmSync(mkOut, { force: true });
      const mk = run('mktorrent', ['-a', 'http://127.0.0.1:6969/announce', '-o', mkOut, '-t', '2', ...c.mk, c.target()]);
      expect(mk.status, mk.stderr).toBe(0);
      const ourOut = join(dir, 'ours-mk.torrent');
      const j = await ours(c.target(), ourOut, ['-a', 'http://127.0.0.1:6969/announce', ...c.ct]);
      const theirs = transmissionShowOrLt(mkOut);
      expect(j.infoHash).toBe(theirs);
    }, 30_000);
  }
});

/** The v1 hash of a torrent file as another implementation reads it (libtorrent, else transmission-show). */
function transmissionShowOrLt(path: string): string | null {
  if (haveLt) return libtorrent({ read: [path] }).read[path]?.v1 ?? null;
  return transmissionShow(path).v1;
}

(haveLt ? describe : describe.skip)('create-torrent vs libtorrent', () => {
  const pieces = [16384, 65536, 262144];

  it('our v2 and hybrid info hashes equal libtorrent creator\'s (same files, same piece size)', async () => {
    const create: Array<{ id: string; path: string; kind: 'v1' | 'v2' | 'hybrid'; piece: number }> = [];
    const mine: Record<string, { infoHash: string | null; infoHashV2: string | null }> = {};
    for (const kind of ['v2', 'hybrid'] as const) {
      for (const piece of pieces) {
        for (const [label, target] of [['multi', multi], ['single', single]] as const) {
          const id = `${kind}-${piece}-${label}`;
          create.push({ id, path: target, kind, piece });
          mine[id] = await ours(target, join(dir, `${id}.torrent`), [`--${kind}`, '-l', String(piece)]);
        }
      }
    }
    const lt = libtorrent({ create });
    for (const { id, kind } of create) {
      expect(mine[id]!.infoHashV2, id).toBe(lt.created[id]!.v2);
      if (kind === 'hybrid') expect(mine[id]!.infoHash, id).toBe(lt.created[id]!.v1);
      else expect(mine[id]!.infoHash, id).toBeNull();
    }
  }, 30_000);

  it('libtorrent reads our v1, v2 and hybrid torrents and reports the hashes we print', async () => {
    const printed: Record<string, { infoHash: string | null; infoHashV2: string | null }> = {};
    const paths: string[] = [];
    for (const kind of ['v1', 'v2', 'hybrid'] as const) {
      for (const [label, target] of [['multi', multi], ['single', single]] as const) {
        const path = join(dir, `read-${kind}-${label}.torrent`);
        printed[path] = await ours(target, path, [`--${kind}`, '-l', '32K', '-a', 'http://127.0.0.1:6969/announce', '-w', 'http://127.0.0.1:8080/']);
        paths.push(path);
      }
    }
    const lt = libtorrent({ read: paths });
    for (const p of paths) {
      const r = lt.read[p]!;
      expect(r.ok, `${p}: ${r.error}`).toBe(true);
      expect(r.v1 ?? null, p).toBe(printed[p]!.infoHash);
      expect(r.v2 ?? null, p).toBe(printed[p]!.infoHashV2);
      expect(r.pieceLength, p).toBe(32768);
    }
  }, 30_000);
});

(haveShow ? describe : describe.skip)('create-torrent vs transmission-show', () => {
  it('accepts our v1 torrents and shows the hash we print', async () => {
    for (const [label, target] of [['multi', multi], ['single', single]] as const) {
      const path = join(dir, `tr-v1-${label}.torrent`);
      const j = await ours(target, path, ['-l', '64K']);
      const s = transmissionShow(path);
      expect(s.ok, label).toBe(true);
      expect(s.v1, label).toBe(j.infoHash);
    }
  }, 30_000);

  (haveLt ? it : it.skip)('treats our v2 and hybrid torrents as it treats libtorrent\'s own', async () => {
    for (const kind of ['v2', 'hybrid'] as const) {
      const path = join(dir, `tr-${kind}.torrent`);
      const j = await ours(multi, path, [`--${kind}`, '-l', '64K']);
      // libtorrent's own torrent of the same files, written by the same Python helper.
      const ltPath = join(dir, `tr-lt-${kind}.torrent`);
      const r = run(PYTHON, ['-c', `
import libtorrent as lt, os
fs = lt.file_storage(); lt.add_files(fs, ${JSON.stringify(multi)})
ct = lt.create_torrent(fs, 65536, flags=${kind === 'v2' ? 'lt.create_torrent.v2_only' : '0'})
lt.set_piece_hashes(ct, ${JSON.stringify(dir)})
open(${JSON.stringify(ltPath)}, 'wb').write(lt.bencode(ct.generate()))
`]);
      expect(r.status, r.stderr).toBe(0);
      const theirs = transmissionShow(ltPath);
      const mine = transmissionShow(path);
      expect(mine.ok, `${kind}: transmission-show accepts libtorrent's ${theirs.ok} and ours ${mine.ok}`).toBe(theirs.ok);
      if (!theirs.ok) console.warn(`create-torrent interop: this transmission-show reads no ${kind} torrent (libtorrent's neither); only that it treats both alike is checked`);
      if (mine.ok) {
        expect(mine.v1).toBe(j.infoHash);
        if (mine.v2 !== null) expect(mine.v2).toBe(j.infoHashV2);
      }
    }
  }, 30_000);
});
