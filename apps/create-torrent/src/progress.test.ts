import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressBar, renderProgress, wantProgress } from './progress.ts';

describe('renderProgress', () => {
  it('shows percent, bytes, pieces, MB/s and ETA within the width', () => {
    const line = renderProgress('hashing', { bytesDone: 50e6, bytesTotal: 100e6, piecesDone: 190, piecesTotal: 382 }, 1000, 100);
    expect(line).toContain(' 50%');
    expect(line).toContain('190/382 pieces');
    expect(line).toContain('50.0 MB/s');
    expect(line).toContain('ETA 0:01');
    expect(line).toMatch(/\[#+\.+\]/);
    expect(line.length).toBeLessThanOrEqual(100);
  });

  it('drops the bar on a narrow terminal and never exceeds the width', () => {
    const line = renderProgress('hashing', { bytesDone: 1, bytesTotal: 2, piecesDone: 0, piecesTotal: 1 }, 0, 30);
    expect(line.length).toBeLessThanOrEqual(30);
    expect(line).not.toContain('[');
  });

  it('copes with nothing to do and with no time elapsed', () => {
    const line = renderProgress('x', { bytesDone: 0, bytesTotal: 0, piecesDone: 0, piecesTotal: 0 }, 0, 120);
    expect(line).toContain('100%');
    expect(line).toContain('ETA --:--');
  });
});

describe('formatDuration', () => {
  it('prints m:ss and h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(61)).toBe('1:01');
    expect(formatDuration(3600 + 62)).toBe('1:01:02');
  });
});

describe('ProgressBar', () => {
  it('redraws in place, throttles, and clears its line when done', () => {
    let out = '';
    const bar = new ProgressBar({ write: (t) => { out += t; }, columns: 100 }, 'hashing', 60_000);
    const s = { bytesDone: 1, bytesTotal: 4, piecesDone: 1, piecesTotal: 4 };
    bar.update(s);
    bar.update({ ...s, bytesDone: 2 }); // throttled away
    expect(out.split('\r').length - 1).toBe(1);
    bar.update({ ...s, bytesDone: 4, piecesDone: 4 }, true);
    bar.done();
    expect(out.endsWith('\r\x1b[K')).toBe(true);
    expect(out).toContain('4/4 pieces');
  });

  it('writes nothing when never updated', () => {
    let out = '';
    new ProgressBar({ write: (t) => { out += t; } }, 'x').done();
    expect(out).toBe('');
  });
});

describe('wantProgress', () => {
  it('follows the terminal unless forced', () => {
    expect(wantProgress({ isTTY: true }, {})).toBe(true);
    expect(wantProgress({ isTTY: false }, {})).toBe(false);
    expect(wantProgress({}, {})).toBe(false);
    expect(wantProgress({}, { CREATE_TORRENT_PROGRESS: 'always' })).toBe(true);
    expect(wantProgress({ isTTY: true }, { CREATE_TORRENT_PROGRESS: 'never' })).toBe(false);
  });
});
