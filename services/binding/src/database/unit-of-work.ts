/**
 * The transaction boundary a service draws around several repository calls. The repositories find the open
 * transaction themselves (DatabaseRepository), so a service passes no handle around and never sees the ORM.
 */
export abstract class UnitOfWork {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. Every repository
   * call awaited inside `work` joins it; a nested call joins the outer transaction.
   */
  abstract transaction<T>(work: () => Promise<T>): Promise<T>;
}
