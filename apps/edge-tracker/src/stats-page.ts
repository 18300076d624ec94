// The /stats page: the figures a person running a tracker wants at a glance, rendered on the server
// (readable without JavaScript) and refreshed every few seconds from /stats.json with a small
// announce-rate chart. Self-contained: no external scripts, fonts or images.
import type { StatsSnapshot } from './stats.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 93784 -> "1d 2h 3m". */
export function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600), m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${seconds % 60}s`;
  return `${seconds}s`;
}

function peak(h: number[]): string {
  return String(Math.round(Math.max(0, ...h) * 10) / 10);
}

/** SVG polyline points for the rate chart: the newest sample at the right edge, one step per sample. */
function chartPoints(history: number[]): string {
  const h = history.length ? history : [0];
  const max = Math.max(1, ...h);
  const step = 600 / 59;
  const x0 = 600 - (h.length - 1) * step;
  return h.map((p, i) => `${(x0 + i * step).toFixed(1)},${(115 - (p / max) * 105).toFixed(1)}`).join(' ');
}

/** Renders the whole page for one snapshot. */
export function renderStatsPage(s: StatsSnapshot, title = 'torrentkit tracker'): string {
  const card = (id: string, label: string, value: string, hint: string) =>
    `<div class="card"><div class="label">${label}</div><div class="value" id="${id}">${value}</div><div class="hint">${hint}</div></div>`;
  const seedShare = s.peers > 0 ? Math.round((s.seeders / s.peers) * 100) : 0;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · stats</title>
<style>
  :root { color-scheme: light dark; --bg: #f6f7f9; --fg: #1b1f24; --muted: #5b6470; --card: #fff; --line: #e3e6ea; --accent: #2f6fde; --seed: #1f9d55; --leech: #d97706; }
  @media (prefers-color-scheme: dark) { :root { --bg: #0f1216; --fg: #e8ebef; --muted: #9aa4b1; --card: #171b21; --line: #262c35; --accent: #6aa0ff; } }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
  main { max-width: 960px; margin: 0 auto; padding: 32px 20px 48px; }
  header { display: flex; align-items: baseline; justify-content: space-between; flex-wrap: wrap; gap: 8px; margin-bottom: 24px; }
  h1 { font-size: 22px; margin: 0; }
  .status { color: var(--muted); font-size: 13px; }
  .dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: var(--seed); margin-right: 6px; vertical-align: middle; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 14px; }
  .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; }
  .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .06em; }
  .value { font-size: 32px; font-weight: 650; font-variant-numeric: tabular-nums; margin-top: 2px; }
  .hint { color: var(--muted); font-size: 13px; }
  .bar { display: flex; height: 10px; border-radius: 5px; overflow: hidden; background: var(--line); margin: 18px 0 6px; }
  .bar span { display: block; height: 100%; }
  .legend { display: flex; gap: 18px; color: var(--muted); font-size: 13px; }
  .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
  section { margin-top: 22px; }
  h2 { font-size: 15px; margin: 0 0 10px; color: var(--muted); font-weight: 600; }
  svg { width: 100%; height: 120px; display: block; }
  table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
  td { padding: 6px 0; border-bottom: 1px solid var(--line); }
  td:last-child { text-align: right; }
  footer { margin-top: 28px; color: var(--muted); font-size: 13px; }
  a { color: var(--accent); }
  code { font-size: 13px; }
</style>
</head>
<body>
<main>
  <header>
    <h1>${esc(title)}</h1>
    <div class="status"><span class="dot"></span>up <span id="uptime">${formatUptime(s.uptimeSeconds)}</span> · store <b>${esc(s.store)}</b> · updated <span id="time">${esc(s.time.slice(11, 19))}</span> UTC</div>
  </header>
  <div class="grid">
    ${card('swarms', 'Swarms', formatCount(s.swarms), 'torrents with peers')}
    ${card('seeders', 'Seeders', formatCount(s.seeders), 'peers with everything')}
    ${card('leechers', 'Leechers', formatCount(s.leechers), 'peers downloading')}
    ${card('rate', 'Announces / s', s.announcesPerSecond.toFixed(1), 'over the last minute')}
  </div>
  <div class="bar" title="seeders vs leechers"><span id="seedbar" style="width:${seedShare}%;background:var(--seed)"></span><span style="flex:1;background:var(--leech)"></span></div>
  <div class="legend"><span><i style="background:var(--seed)"></i>seeders <b id="seedpct">${seedShare}%</b></span><span><i style="background:var(--leech)"></i>leechers <b id="leechpct">${s.peers > 0 ? 100 - seedShare : 0}%</b></span><span>peers <b id="peers">${formatCount(s.peers)}</b></span></div>
  <section class="card">
    <h2>Announces per second, last minute <span class="hint" style="float:right">peak <b id="peak">${peak(s.rateHistory)}</b>/s</span></h2>
    <svg id="chart" viewBox="0 0 600 120" preserveAspectRatio="none" role="img" aria-label="announce rate over the last minute"><line x1="0" y1="115" x2="600" y2="115" stroke="var(--line)"/><polyline id="line" fill="none" stroke="var(--accent)" stroke-width="2" vector-effect="non-scaling-stroke" points="${chartPoints(s.rateHistory)}"/></svg>
  </section>
  <section class="card">
    <h2>Totals since start</h2>
    <table>
      <tr><td>Announces</td><td id="announces">${formatCount(s.announces)}</td></tr>
      <tr><td>Scrapes</td><td id="scrapes">${formatCount(s.scrapes)}</td></tr>
      <tr><td>UDP connects</td><td id="udpConnects">${formatCount(s.udpConnects)}</td></tr>
      <tr><td>Failures sent</td><td id="failures">${formatCount(s.failures)}</td></tr>
      <tr><td>Datagrams dropped</td><td id="dropped">${formatCount(s.dropped)}</td></tr>
    </table>
  </section>
  <footer>Machine-readable: <a href="stats.json">stats.json</a> · <a href="metrics">metrics</a> (Prometheus) · announce URL <code>/announce</code></footer>
</main>
<script>
(() => {
  const fmt = (n) => Math.round(n).toString().replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',');
  const up = (s) => { const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return d ? d + 'd ' + h + 'h ' + m + 'm' : h ? h + 'h ' + m + 'm' : m ? m + 'm ' + (s % 60) + 's' : s + 's'; };
  const set = (id, v) => { const e = document.getElementById(id); if (e) e.textContent = v; };
  async function refresh() {
    try {
      const r = await fetch('stats.json', { cache: 'no-store' });
      const s = await r.json();
      for (const k of ['swarms', 'seeders', 'leechers', 'peers', 'announces', 'scrapes', 'udpConnects', 'failures', 'dropped']) set(k, fmt(s[k]));
      set('rate', s.announcesPerSecond.toFixed(1));
      set('uptime', up(s.uptimeSeconds));
      set('time', s.time.slice(11, 19));
      const pct = s.peers > 0 ? Math.round(s.seeders / s.peers * 100) : 0;
      document.getElementById('seedbar').style.width = pct + '%';
      set('seedpct', pct + '%'); set('leechpct', (s.peers > 0 ? 100 - pct : 0) + '%');
      const h = s.rateHistory.length ? s.rateHistory : [0];
      const max = Math.max(1, ...h);
      set('peak', (Math.round(Math.max(0, ...h) * 10) / 10).toString());
      const step = 600 / Math.max(1, 60 - 1);
      const x0 = 600 - (h.length - 1) * step;
      document.getElementById('line').setAttribute('points',
        h.map((p, i) => (x0 + i * step).toFixed(1) + ',' + (115 - p / max * 105).toFixed(1)).join(' '));
    } catch { /* keep the last figures */ }
  }
  refresh();
  setInterval(refresh, 2000);
})();
</script>
</body>
</html>
`;
}
