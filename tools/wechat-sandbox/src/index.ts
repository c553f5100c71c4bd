export * from './callback-pusher';
export * from './call-log';
export * from './sandbox';
export * from './sandbox.options';
export * from './sandbox.config';
export type { Customer } from './registries/customer-registry';
export type { TicketRecord } from './registries/ticket-registry';
export type { SentMessage } from './wechat-api.routes';
