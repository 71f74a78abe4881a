import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running `body`, a function that imports nothing and
 * closes over nothing (it reaches built-in modules through
 * `process.getBuiltinModule`). The worker is built from the function's own
 * source, so the same code runs from the TypeScript sources (tests) and from
 * the bundle (electron-vite puts every module of the engine in one file, so a
 * worker file next to it would need its own build entry and path rules).
 */
export function startFunctionWorker(body: () => void, workerData: unknown): Worker {
  return new Worker(`(${body.toString()})()`, { eval: true, workerData });
}
