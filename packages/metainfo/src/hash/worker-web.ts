// Hashing worker entry for Web Workers (Deno and Bun start this one; Node starts worker.ts).
import { runJob } from './worker-job.ts';
import type { JobMessage } from './worker-protocol.ts';

interface WorkerScope {
  onmessage: ((event: MessageEvent<JobMessage>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (event) => runJob(event.data, (result, transfer) => scope.postMessage(result, transfer));
