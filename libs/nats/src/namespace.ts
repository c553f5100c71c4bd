/**
 * Optional prefix for every subject and stream, so several isolated systems (test files, tenants)
 * can share one NATS server. Empty in production: subjects are then exactly those of DESIGN.md.
 */
export class Namespace {
  constructor(readonly prefix: string) {}

  subject(subject: string): string {
    return this.prefix ? `${this.prefix}.${subject}` : subject;
  }

  /** The subject as the contract names it, without the namespace. */
  strip(subject: string): string {
    return this.prefix && subject.startsWith(this.prefix + '.')
      ? subject.slice(this.prefix.length + 1)
      : subject;
  }

  stream(name: string): string {
    return this.prefix ? `${this.prefix}_${name}` : name;
  }
}
