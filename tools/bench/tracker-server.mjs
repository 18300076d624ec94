#!/usr/bin/env node
// One tracker server in its own process, for the tracker benchmark. Usage:
//   node tracker-server.mjs bittorrent-tracker PORT
//   node tracker-server.mjs ours|ours-node-http PORT [redis://...]   (ours-node-http: serveTracker on node:http)
// Listens on 127.0.0.1 (HTTP and UDP on the same port number; 0 = pick one) and prints one JSON line
// {"ready":true,"httpPort":N,"udpPort":N} once it accepts requests. Stops on SIGTERM or stdin EOF, so
// it never outlives the benchmark.
const [kind, portArg = '0', storeUrl] = process.argv.slice(2);
const port = Number(portArg);
const host = '127.0.0.1';
// A long interval and no rate limit: the benchmark re-announces far faster than a real client would.
const INTERVAL_S = 1800;

let close;
if (kind === 'bittorrent-tracker') {
  // its server entry point: the package root also loads the WebRTC client (a native module)
  const { default: Server } = await import('bittorrent-tracker/server');
  const server = new Server({
    http: true, udp: true, ws: false, stats: false, interval: INTERVAL_S * 1000,
    // its default is an LRU of 1,000 peers per swarm; leave it (our load has 100 per swarm)
  });
  server.on('error', (e) => { console.error('bittorrent-tracker:', e.message); });
  server.on('warning', () => {}); // bad requests are expected to be none; keep stderr quiet
  // it binds HTTP, UDPv4 and UDPv6 separately: give them one free port number, and ::1 for UDPv6
  const { freePort } = await import('./tracker-lib.mjs');
  const p = port || await freePort();
  await new Promise((resolve) => server.listen(p, { http: host, udp: host, udp6: '::1' }, resolve));
  const httpPort = server.http.address().port;
  const udpPort = server.udp4.address().port;
  close = () => new Promise((r) => server.close(r));
  ready(httpPort, udpPort);
} else if (kind === 'ours' || kind === 'ours-node-http') {
  const { startOurs } = await import('./tracker-ours.mjs');
  const srv = await startOurs({ host, port, storeUrl, interval: INTERVAL_S, httpEngine: kind === 'ours-node-http' ? 'node:http' : 'net' });
  close = srv.close;
  ready(srv.httpPort, srv.udpPort, srv.adapter);
} else {
  console.error(`tracker-server: unknown kind ${kind}`);
  process.exit(2);
}

function ready(httpPort, udpPort, adapter) {
  process.stdout.write(JSON.stringify({ ready: true, httpPort, udpPort, adapter }) + '\n');
}

// `profile-start` / `profile-stop FILE` lines on stdin record a V8 CPU profile of just one phase
// (what `node --cpu-prof` records, minus start-up and population).
let session;
let buf = '';
process.stdin.on('data', async (d) => {
  buf += d;
  for (let nl; (nl = buf.indexOf('\n')) >= 0;) {
    const [cmd, file] = buf.slice(0, nl).trim().split(' ');
    buf = buf.slice(nl + 1);
    if (cmd === 'profile-start') {
      const { Session } = await import('node:inspector/promises');
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
    } else if (cmd === 'profile-stop' && session) {
      const { profile } = await session.post('Profiler.stop');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      session = undefined;
      process.stdout.write(JSON.stringify({ profiled: file }) + '\n');
    }
  }
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  const t = setTimeout(() => process.exit(0), 3000);
  t.unref();
  try { await close?.(); } catch {}
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
