// Runs a command in a session of its own, so that everything it starts can be stopped together:
// turbo puts each task in a process group of its own, so killing the child's group alone would
// leave a hung test runner (and the servers it started) running. A session survives that: on
// Linux its members are found in /proc whatever their group; elsewhere the child's group is used.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** spawn() as the leader of a new session (`detached` calls setsid on POSIX). */
export function spawnSession(cmd, args, options) {
  return spawn(cmd, args, { ...options, detached: true });
}

/** Send `signal` to every process in session `sid` (a child made by spawnSession has sid = pid). */
export function signalSession(sid, signal) {
  const members = sessionMembers(sid);
  for (const pid of members ?? [-sid]) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM to the session (turbo and test runners get to clean up), SIGKILL to what is left after `graceMs`. */
export function stopSession(sid, graceMs = 5000) {
  signalSession(sid, 'SIGTERM');
  return new Promise((resolve) => {
    setTimeout(() => {
      signalSession(sid, 'SIGKILL');
      resolve();
    }, graceMs);
  });
}

/** Pids in session `sid`, from /proc; null where there is no /proc. */
function sessionMembers(sid) {
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const pids = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid pgrp session ...: comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[3]) === sid) pids.push(Number(name));
  }
  return pids;
}
