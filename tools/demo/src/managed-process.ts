import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Where /readyz answers, if the process has one. */
  readyUrl?: string;
  logFile: string;
  cwd: string;
}

/** One OS process of the running system: started, watched for readiness, stopped or killed. */
export class ManagedProcess {
  private proc?: ChildProcess;
  private log?: WriteStream;
  private exited?: Promise<number | null>;

  constructor(readonly options: ManagedProcessOptions) {}

  get name(): string {
    return this.options.name;
  }
  get pid(): number | undefined {
    return this.proc?.pid;
  }
  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  start(): void {
    if (this.running) return;
    const { command, args, env, cwd, logFile } = this.options;
    this.log ??= createWriteStream(logFile, { flags: 'a' });
    const proc = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.pipe(this.log, { end: false });
    proc.stderr?.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
    this.proc = proc;
  }

  /** Polls /readyz until it answers 200. */
  async waitReady(timeoutMs = 60000): Promise<void> {
    const url = this.options.readyUrl;
    if (!url) return;
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (!this.running)
        throw new Error(`${this.name} exited (code ${this.proc?.exitCode}); see ${this.options.logFile}`);
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) return;
        last = `${res.status} ${await res.text()}`;
      } catch (e) {
        last = String(e);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms (${last}); see ${this.options.logFile}`);
  }

  /** SIGTERM and wait (a clean shutdown); SIGKILL when it takes too long. */
  async stop(timeoutMs = 15000): Promise<void> {
    if (!this.running) return;
    this.proc!.kill('SIGTERM');
    const timer = setTimeout(() => this.proc?.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL: the crash a fault test wants. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.proc!.kill('SIGKILL');
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    this.start();
    await this.waitReady();
  }

  closeLog(): void {
    this.log?.end();
    this.log = undefined;
  }
}
