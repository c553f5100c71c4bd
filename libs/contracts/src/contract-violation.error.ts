import type { ZodIssue } from 'zod';

/** A payload that does not match its contract; `field` is the dotted path of the first bad field. */
export class ContractViolationError extends Error {
  readonly field: string;
  constructor(
    readonly subject: string,
    readonly issues: { field: string; message: string }[],
  ) {
    super(
      `invalid payload on ${subject}: ` +
        issues.map((i) => `${i.field || '(root)'}: ${i.message}`).join('; '),
    );
    this.name = 'ContractViolationError';
    this.field = issues[0]?.field ?? '';
  }

  static fromZod(subject: string, issues: ZodIssue[]): ContractViolationError {
    return new ContractViolationError(
      subject,
      issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    );
  }
}
