import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands an RPC handler's error to the transport as it was thrown. Nest's default RPC filter would turn a
 * PoisonMessageError or RefusalError into `{status: 'error'}`, and the transport could no longer tell a
 * poison message from a transient fault, or a refusal from a bug. Installed as a global filter shared
 * with the HTTP application (inheritAppConfig), so HTTP errors get Nest's default handling.
 */
@Catch()
export class RpcErrorPassThrough extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    return super.catch(exception, host);
  }
}
