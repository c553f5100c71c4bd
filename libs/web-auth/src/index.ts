export * from './customer-cookie';
export * from './errors';
export { epochSeconds } from './hmac';
export * from './oauth-state';
export { TAG_CHARS, tag, tagMatches } from './hmac';
