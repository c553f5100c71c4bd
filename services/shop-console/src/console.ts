/**
 * Staff accounts of the console (`npm run console -- user …`): needs only DATABASE_URL (the console's Postgres).
 *
 *   npm run console -- user add <username> --role operator
 *   npm run console -- user add <username> --role manager --store <storeId>
 *   npm run console -- user list
 *   npm run console -- user remove <username>
 *
 * The password comes from CONSOLE_PASSWORD when set (scripts), else it is asked for on the terminal, twice.
 * Adding an existing username resets its password, role and store. Exit codes: 0 done, 2 wrong input
 * (nothing changed), 1 the database did not answer.
 */
import { createInterface } from 'node:readline';
import { ConsoleDatabase } from './staff/console-database';
import { PasswordHasher } from './staff/password.hasher';
import { StaffRepository, type StaffRole } from './staff/staff.repository';
import { StaffInputError, StaffService } from './staff/staff.service';

const USAGE = `usage:
  npm run console -- user add <username> --role operator|manager [--store <storeId>]
  npm run console -- user list
  npm run console -- user remove <username>`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function askPassword(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.CONSOLE_PASSWORD) return env.CONSOLE_PASSWORD;
  if (!process.stdin.isTTY)
    throw new StaffInputError('set CONSOLE_PASSWORD, or run on a terminal to be asked');
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
      // keep the typed password off the screen
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.startsWith(q)) process.stdout.write(q);
      };
      rl.question(q, (a) => {
        rl.close();
        process.stdout.write('\n');
        resolve(a);
      });
    });
  const first = await ask('password: ');
  if ((await ask('again: ')) !== first) throw new StaffInputError('the two passwords differ');
  return first;
}

/** Runs one command; returns the exit code. */
export async function runConsoleCommand(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [noun, verb, name] = args;
  if (noun !== 'user' || !['add', 'list', 'remove'].includes(verb ?? '')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (!env.DATABASE_URL) {
    process.stderr.write("DATABASE_URL is required (the console's Postgres)\n");
    return 2;
  }
  const db = ConsoleDatabase.open(env.DATABASE_URL, 1);
  const staff = new StaffService(new StaffRepository(db), new PasswordHasher());
  try {
    await db.migrate();
    if (verb === 'list') {
      for (const u of await staff.list())
        process.stdout.write(`${u.username}\t${u.role}\t${u.storeId ?? '(all stores)'}\n`);
      return 0;
    }
    if (!name) throw new StaffInputError('name the user');
    if (verb === 'remove') {
      if (!(await staff.remove(name))) throw new StaffInputError(`no user ${name}`);
      process.stdout.write(`removed ${name}\n`);
      return 0;
    }
    const role = option(args, '--role') as StaffRole;
    await staff.add({
      username: name,
      role,
      storeId: option(args, '--store'),
      password: await askPassword(env),
    });
    process.stdout.write(
      `user ${name} (${role}${role === 'manager' ? `, store ${option(args, '--store')}` : ''}) saved\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof StaffInputError) {
      process.stderr.write(`${e.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`the database did not answer: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  void runConsoleCommand(process.argv.slice(2)).then((code) => process.exit(code));
}
