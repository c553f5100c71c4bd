import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetRunner } from '../../src/console/fleet.runner';

// stand-ins for binding's fleet command: one prints its arguments, one refuses as the command does (exit 2)
const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
const script = join(dir, 'fake-fleet.js');
writeFileSync(script, 'console.log(JSON.stringify(process.argv.slice(2)));');
const refusing = join(dir, 'refusing-fleet.js');
writeFileSync(refusing, "console.error('unknown mirror nobody'); process.exit(2);");

describe(FleetRunner.name, () => {
  const runner = (command?: string) =>
    new FleetRunner({ requestTimeoutMs: 1000, onlineWindowMs: 1000, fleetCommand: command?.split(' ') });

  it('runs the fleet command with the registration, as the CLI takes it, and shows its output', async () => {
    const sut = runner(`${process.execPath} ${script}`);
    expect(sut.enabled).toBe(true);
    const result = await sut.register('mirror-12', 'shanghai-01', '静安 店');
    expect(result).toEqual({
      ok: true,
      exitCode: 0,
      output: JSON.stringify([
        'mirror',
        'add',
        'mirror-12',
        '--store',
        'shanghai-01',
        '--store-name',
        '静安 店',
      ]),
    });
    expect((await sut.revoke('mirror-12')).output).toBe(JSON.stringify(['mirror', 'revoke', 'mirror-12']));
  });

  it("passes the command's refusal on with its exit code", async () => {
    const result = await runner(`${process.execPath} ${refusing}`).revoke('nobody');
    expect(result).toEqual({ ok: false, exitCode: 2, output: 'unknown mirror nobody' });
  });

  it('registers nothing without FLEET_COMMAND', async () => {
    const sut = runner(undefined);
    expect(sut.enabled).toBe(false);
    expect(await sut.register('mirror-12', 'shanghai-01')).toMatchObject({ ok: false, exitCode: null });
  });
});
