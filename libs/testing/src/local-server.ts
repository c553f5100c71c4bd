import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A server binary run privately by a test on its own port, so the test can kill it (SIGKILL, as a crash)
 * and start it again on the same port with `resume()`.
 */
export abstract class LocalServerProcess {
  private proc?: ChildProcess;

  protected constructor(readonly port: number) {}

  abstract get url(): string;

  /** The binary and its arguments; called on every (re)start. */
  protected abstract command(): { bin: string; args: string[] };

  /** Resolves once the server answers; rejects while it does not yet. */
  protected abstract probe(): Promise<void>;

  /** Starts the server and waits (up to 10 s) until it answers. */
  async resume(): Promise<void> {
    const { bin, args } = this.command();
    const proc = spawn(bin, args, { stdio: 'ignore' });
    const spawned: { error?: Error } = {};
    proc.once('error', (e) => (spawned.error = e)); // e.g. the binary is not installed
    this.proc = proc;
    const deadline = Date.now() + 10000;
    for (;;) {
      try {
        await this.probe();
        return;
      } catch {
        if (spawned.error) throw new Error(`cannot start ${bin}: ${spawned.error.message}`);
        if (proc.exitCode !== null) throw new Error(`${bin} exited with ${proc.exitCode} on ${this.url}`);
        if (Date.now() > deadline) throw new Error(`${bin} did not start on ${this.url}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Kills the server at once, as a crash would. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }
}
