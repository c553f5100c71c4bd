/**
 * SQL: true when the customer withdrew the session's photos — they deleted photos of it and, at one such
 * deletion, none of the photos stored before it was left. Its links stop working and no later photo of
 * it is announced. `session` is the SQL expression of the session id.
 */
export function sessionWithdrawnSql(session: string): string {
  return `EXISTS (
    SELECT 1 FROM photos d
     WHERE d.session_id = ${session} AND d.deleted_reason = 'customer'
       AND NOT EXISTS (SELECT 1 FROM photos k
                        WHERE k.session_id = ${session} AND k.status = 'stored'
                          AND k.stored_at <= d.delete_requested_at))`;
}
