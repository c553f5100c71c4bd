import { RpcException } from '@nestjs/microservices';
import { ContractViolationError, ReplyCodes, type ReplyError } from '@mirror/contracts';
import { RefusalError } from './errors';

/**
 * The refusal a request handler's error stands for, or undefined when it is a fault (answered `INTERNAL`).
 * A refusal is a RefusalError, Nest's RpcException carrying `{code, message, field?}` (or that object itself,
 * as Nest's default RPC exception filter rethrows it), or a contract violation of the request
 * (`INVALID_REQUEST` naming the field).
 */
export function refusalOf(e: unknown): ReplyError | undefined {
  if (e instanceof RefusalError) return { code: e.code, message: e.message, field: e.field };
  if (e instanceof ContractViolationError) {
    return { code: ReplyCodes.invalidRequest, message: e.message, field: e.field };
  }
  const carried = e instanceof RpcException ? e.getError() : e;
  if (isReplyError(carried)) {
    return { code: carried.code, message: carried.message, field: carried.field };
  }
  return undefined;
}

// Errors are never refusals by shape: a Node system error also has a string `code` (ECONNREFUSED).
function isReplyError(value: unknown): value is ReplyError {
  if (typeof value !== 'object' || value === null || value instanceof Error) return false;
  const { code, message, field } = value as Record<string, unknown>;
  return (
    typeof code === 'string' &&
    code.length > 0 &&
    typeof message === 'string' &&
    (field === undefined || typeof field === 'string')
  );
}
