export type { EventSubscriber, FilterQuery, FlushEventArgs } from '@mikro-orm/core';
export { raw, ref } from '@mikro-orm/core';
export * from './database-url';
export * from './entities';
export * from './notifications';
export * from './orm';
export * from './reads';
export * from './transaction';
