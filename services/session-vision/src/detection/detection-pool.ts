import { existsSync } from 'fs';
import { availableParallelism } from 'os';
import { join } from 'path';
import Piscina from 'piscina';
import type { DetectionResult, DetectionTask } from './detection.worker';
import type { VisionEngineOptions } from './vision-engine';

export interface DetectionPoolOptions {
  /** Worker threads, each with its own copy of the models (~1 per core). */
  threads: number;
  engine?: Partial<VisionEngineOptions>;
}

/** The worker file: compiled JS next to this file in dist/, or the TypeScript entry from sources. */
function workerFile(): string {
  const compiled = join(__dirname, 'detection.worker.js');
  return existsSync(compiled) ? compiled : join(__dirname, 'detection.worker-entry.js');
}

/** Runs detection in worker threads so both cores work and the event loop stays free. */
export class DetectionPool {
  private readonly pool: Piscina;

  constructor(options: DetectionPoolOptions) {
    const threads = Math.max(1, options.threads || availableParallelism());
    this.pool = new Piscina({
      filename: workerFile(),
      minThreads: threads,
      maxThreads: threads,
      // One frame per worker at a time: a queue here would only add latency (the caller keeps the latest).
      concurrentTasksPerWorker: 1,
      idleTimeout: Infinity,
      workerData: { engine: options.engine ?? {} },
    });
  }

  get threads(): number {
    return this.pool.threads.length;
  }

  /** Tasks waiting for a free worker. */
  get queued(): number {
    return this.pool.queueSize;
  }

  run(task: DetectionTask): Promise<DetectionResult> {
    return this.pool.run(task) as Promise<DetectionResult>;
  }

  /** Loads the models in every worker. */
  async warmUp(): Promise<void> {
    await Promise.all(Array.from({ length: this.threads }, () => this.pool.run({}, { name: 'warmUp' })));
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
