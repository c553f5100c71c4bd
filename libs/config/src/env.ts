import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Environment variable validators shared by every service. Secrets never get defaults. */
export const env = {
  url: (protocols: string[]) =>
    z
      .string({ required_error: 'is required' })
      .trim()
      .min(1, 'is required')
      .refine(
        (v) => {
          try {
            return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
          } catch {
            return false;
          }
        },
        `must be a URL with scheme ${protocols.join(' or ')}`,
      ),
  /** A comma-separated list of URLs (NATS accepts several servers). */
  urlList: (protocols: string[]) =>
    z
      .string({ required_error: 'is required' })
      .trim()
      .min(1, 'is required')
      .refine(
        (v) =>
          v.split(',').every((u) => {
            try {
              return protocols.includes(new URL(u.trim()).protocol.replace(/:$/, ''));
            } catch {
              return false;
            }
          }),
        `must be a comma-separated list of ${protocols.join('/')} URLs`,
      ),
  secret: (minLength = 1) =>
    z
      .string({ required_error: 'is required (secrets have no default)' })
      .min(minLength, `must be at least ${minLength} characters`),
  int: (def: number | undefined, min: number, max: number) => {
    const base = z.coerce
      .number({ invalid_type_error: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be ≥ ${min}`)
      .max(max, `must be ≤ ${max}`);
    return def === undefined ? base : base.default(def);
  },
  port: (def: number) => env.int(def, 0, 65535),
  bool: (def: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], {
        errorMap: () => ({ message: 'must be true or false' }),
      })
      .default(def ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A dotted prefix for every NATS subject and stream (isolates tests and tenants); empty in production. */
  namespace: () =>
    z
      .string()
      .regex(/^([a-z0-9_-]+)?$/i, 'must be letters, digits, - or _ only')
      .default(''),
  /** A Redis key prefix such as `mirror:` (isolates tests sharing one Redis). */
  keyPrefix: () =>
    z
      .string()
      .regex(/^[A-Za-z0-9_:.-]*$/, 'must be letters, digits, _ : . - only')
      .default(''),
  /** A NATS `.creds` file (user JWT + nkey seed), read at start-up into its contents. */
  credsFile: () =>
    z
      .string()
      .trim()
      .min(1, 'must be the path of a .creds file')
      .transform((path, ctx) => {
        let text: string;
        try {
          text = readFileSync(path, 'utf8');
        } catch (e) {
          ctx.addIssue({
            code: 'custom',
            message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`,
          });
          return z.NEVER;
        }
        if (!/-----BEGIN NATS USER JWT-----/.test(text) || !/-----BEGIN USER NKEY SEED-----/.test(text)) {
          ctx.addIssue({ code: 'custom', message: `${path} is not a NATS .creds file (user JWT and seed)` });
          return z.NEVER;
        }
        return text;
      }),
  bucket: () =>
    z
      .string({ required_error: 'is required' })
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'must be an S3 bucket name (3-63 lowercase letters, digits, . or -)',
      ),
};
