import pino from 'pino';

/** A pino logger for tests: silent unless TEST_LOG_LEVEL is set. */
export function testLogger(name = 'test') {
  return pino({ name, level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}
