import { z } from 'zod';
import { ConfigError } from './config.error';

/**
 * Validates the environment against a schema whose keys are the variable names.
 * Empty strings count as unset so `FOO=` behaves like a missing variable.
 */
export function loadConfig<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  source: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const value = source[key];
    input[key] = value === '' ? undefined : value;
  }
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      service,
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '?'),
        message: issue.message,
      })),
    );
  }
  return result.data;
}
