import type { EventArgs, EventSubscriber } from '@mikro-orm/core';
import { newId } from './entities/base';

/**
 * Gives every new entity with a uuid `id` its id the moment `em.create` makes
 * it, not at flush: views and event rows built before the flush need it.
 */
export class AssignIds implements EventSubscriber {
  onInit({ entity, meta }: EventArgs<{ id?: unknown }>) {
    if (entity.id == null && meta.primaryKeys[0] === 'id' && meta.properties.id?.type === 'uuid') {
      entity.id = newId();
    }
  }
}
