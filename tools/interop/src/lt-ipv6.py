#!/usr/bin/python3
# A libtorrent peer on IPv6 loopback, for the tracker's IPv6 interop tests. The shared lt-peer.py
# binds outgoing connections to its listen address, which libtorrent cannot do for [::1]; this one
# listens on [::1]:PORT and leaves outgoing connections unbound. DHT, local peer discovery, UPnP,
# NAT-PMP and PEX are off; it refuses to run outside a namespace that has only loopback.
# Usage: lt-ipv6.py seed|leech TORRENT DIR --port N --tracker URL [--seconds S] [--seed-after S]
# Prints JSON lines: {"seeding": true} once seeding; the leecher ends with {"ok": bool, ...}.
import argparse, json, os, subprocess, sys, time
import libtorrent as lt

links = subprocess.run(['ip', '-o', 'link', 'show'], capture_output=True, text=True).stdout.splitlines()
if not all(l.split(': ')[1].split('@')[0] == 'lo' for l in links if ': ' in l):
    sys.exit('refusing: run inside ../shared/tools/netns-run (a namespace with only loopback)')

p = argparse.ArgumentParser()
p.add_argument('mode', choices=['seed', 'leech']); p.add_argument('torrent'); p.add_argument('dir')
p.add_argument('--port', type=int, required=True); p.add_argument('--tracker', required=True)
p.add_argument('--seconds', type=float, default=60); p.add_argument('--seed-after', type=float, default=0)
a = p.parse_args()

ses = lt.session({
    'listen_interfaces': f'[::1]:{a.port}',
    'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
    'enable_ip_notifier': False, 'dht_bootstrap_nodes': '',
    'enable_incoming_utp': False, 'enable_outgoing_utp': False,
    'allow_multiple_connections_per_ip': True,  # both peers are ::1
    'out_enc_policy': 2, 'in_enc_policy': 2,  # plain connections
    'announce_to_all_trackers': True, 'stop_tracker_timeout': 1,
    'user_agent': 'lt-ipv6/' + lt.__version__,
    'alert_mask': lt.alert_category.error | lt.alert_category.status | lt.alert_category.tracker,
})
atp = lt.add_torrent_params()
atp.ti = lt.torrent_info(a.torrent)
atp.save_path = a.dir
atp.trackers = [a.tracker]
atp.flags = (atp.flags | lt.torrent_flags.override_trackers | lt.torrent_flags.disable_pex
             | lt.torrent_flags.disable_dht | lt.torrent_flags.disable_lsd) & ~lt.torrent_flags.auto_managed & ~lt.torrent_flags.paused
os.makedirs(a.dir, exist_ok=True)
h = ses.add_torrent(atp)
t0 = time.time()
said_seeding = False
while time.time() - t0 < a.seconds:
    ses.wait_for_alert(250)
    for al in ses.pop_alerts():
        if isinstance(al, (lt.tracker_error_alert, lt.listen_failed_alert, lt.torrent_error_alert)):
            print(f'[{time.time() - t0:6.2f}] {type(al).__name__}: {al.message()}', file=sys.stderr, flush=True)
    st = h.status()
    if st.is_seeding and not said_seeding:
        said_seeding = True
        print(json.dumps({'seeding': True, 'after_s': round(time.time() - t0, 2)}), flush=True)
        if a.mode == 'leech':
            time.sleep(a.seed_after)
            break
        h.force_reannounce()
ok = h.status().is_seeding
if a.mode == 'leech':
    print(json.dumps({'ok': ok, 'elapsed_s': round(time.time() - t0, 2)}), flush=True)
sys.exit(0 if ok else 1)
