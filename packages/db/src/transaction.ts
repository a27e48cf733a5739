import type { Em } from './orm';

/**
 * Runs `work` on `em` and writes what it left in the unit of work, all in one
 * transaction: committed if `work` returns, rolled back if it throws. Inside a
 * transaction already open on `em` (a dry run) it joins that one.
 *
 * Unlike `em.transactional`, no entity manager is forked and merged back: the
 * request's own unit of work (and the change tracker listening to it) sees
 * every write.
 */
export async function inTransaction<T>(em: Em, work: (em: Em) => Promise<T>): Promise<T> {
  if (em.isInTransaction()) {
    const result = await work(em);
    await em.flush();
    return result;
  }
  await em.begin();
  try {
    const result = await work(em);
    await em.commit();
    return result;
  } catch (error) {
    await em.rollback();
    throw error;
  }
}
