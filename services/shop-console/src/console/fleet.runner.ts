import { execFile } from 'node:child_process';
import { Inject, Injectable } from '@nestjs/common';
import { CONSOLE_SETTINGS, type ConsoleSettings } from './console.settings';

export interface FleetResult {
  ok: boolean;
  exitCode: number | null;
  output: string;
}

/**
 * Registration and revocation run binding's fleet command (`npm run fleet`), the same code the CLI runs,
 * as a child process with the console's environment (DATABASE_URL, NATS_URL, FLEET_AUTHORITY_DIR): the
 * account signing seed stays with whoever registers mirrors, never in binding. Its exit codes and messages
 * (0 done, 2 wrong input, nothing changed, 1 the database or the bus did not answer) are shown as they are.
 */
@Injectable()
export class FleetRunner {
  constructor(@Inject(CONSOLE_SETTINGS) private readonly settings: ConsoleSettings) {}

  get enabled(): boolean {
    return Boolean(this.settings.fleetCommand?.length);
  }

  register(mirrorId: string, storeId: string, storeName?: string): Promise<FleetResult> {
    return this.run([
      'mirror',
      'add',
      mirrorId,
      '--store',
      storeId,
      ...(storeName ? ['--store-name', storeName] : []),
    ]);
  }

  revoke(mirrorId: string): Promise<FleetResult> {
    return this.run(['mirror', 'revoke', mirrorId]);
  }

  private run(args: string[]): Promise<FleetResult> {
    const [program, ...base] = this.settings.fleetCommand ?? [];
    if (!program) return Promise.resolve({ ok: false, exitCode: null, output: 'FLEET_COMMAND is not set' });
    return new Promise((resolve) => {
      execFile(
        program,
        [...base, ...args],
        { timeout: 60_000, maxBuffer: 1 << 20 },
        (err, stdout, stderr) => {
          const exitCode = err ? (typeof err.code === 'number' ? err.code : null) : 0;
          resolve({ ok: !err, exitCode, output: `${stdout}${stderr}`.trim() });
        },
      );
    });
  }
}
