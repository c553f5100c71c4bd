import { runFleet } from '../../src/fleet';

/** The command's answers that need neither a database nor the bus. */
async function fleet(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runFleet(args, {
    env,
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

describe('fleet command', () => {
  it('prints its usage on request, with exit code 0', async () => {
    const help = await fleet(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('mirror add <mirrorId> --store <storeId>');
  });

  it.each([
    [[], /^fleet — register and revoke/],
    [['mirror', 'add'], /mirror add needs exactly one <mirrorId>/],
    [['mirror', 'add', 'm-1', 'm-2', '--store', 's'], /mirror add needs exactly one <mirrorId>/],
    [['mirror', 'add', 'm-1'], /mirror add needs --store <storeId>/],
    [['mirror', 'add', 'm-1', '--store'], /--store needs a value/],
    [['mirror', 'revoke', 'm-1', '--store', 's'], /mirror revoke has no option --store/],
    [['mirror', 'list', 'extra'], /unexpected extra/],
    [
      ['mirror', 'revoke', 'Mirror 1'],
      /mirror id "Mirror 1" is not valid: use 1-64 characters of a-z, 0-9 and -/,
    ],
    [['mirror', 'add', '../../etc', '--store', 's'], /mirror id "..\/..\/etc" is not valid/],
    [['mirror', 'code'], /mirror code needs exactly one <mirrorId>/],
    [['mirror', 'code', 'm-1', '--store', 's'], /mirror code has no option --store/],
  ])('refuses %j with exit code 2 and says why', async (args, message) => {
    const result = await fleet(args);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(message);
  });

  it('refuses a print size, a folder or a mirror id a code cannot have before reaching anything', async () => {
    const env = {
      DATABASE_URL: 'postgres://db/binding',
      NATS_URL: 'nats://bus:4222',
      FLEET_AUTHORITY_DIR: '/x',
    };
    for (const [args, message] of [
      [['mirror', 'code', 'm-1', '--size', '99999'], /--size 99999 is not a print size: use 256-4096 pixels/],
      [['mirror', 'code', 'm-1', '--size', '1e3'], /--size 1e3 is not a print size/],
      [
        ['mirror', 'code', 'm-1', '--svg', '/no/such/folder/m.svg'],
        /the folder \/no\/such\/folder does not exist/,
      ],
      [['mirror', 'code', 'm'.repeat(63)], /would exceed WeChat's 64 characters/],
    ] as const) {
      const result = await fleet([...args], env);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(message);
    }
    expect((await fleet(['--help'])).stdout).toContain(
      'mirror code <mirrorId> [--png <file>] [--svg <file>]',
    );
  });

  it('names each missing variable, asking for the authority only where a credential is issued or revoked', async () => {
    const list = await fleet(['mirror', 'list']);
    expect(list).toMatchObject({ code: 2, stderr: expect.stringContaining('DATABASE_URL') });
    expect(list.stderr).not.toContain('FLEET_AUTHORITY_DIR');
    const add = await fleet(['mirror', 'add', 'm-1', '--store', 's'], {
      DATABASE_URL: 'postgres://db/binding',
    });
    expect(add.code).toBe(2);
    expect(add.stderr).toMatch(/NATS_URL: .*\n.*FLEET_AUTHORITY_DIR: is required/);
  });
});
