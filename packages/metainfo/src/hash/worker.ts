// Hashing worker entry for node:worker_threads (Node; see worker-web.ts for Deno and Bun).
import { parentPort } from 'node:worker_threads';
import { runJob } from './worker-job.ts';
import type { JobMessage } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('hash worker: not started as a worker thread');

port.on('message', (job: JobMessage) => runJob(job, (result, transfer) => port.postMessage(result, transfer)));
