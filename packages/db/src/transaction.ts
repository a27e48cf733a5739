import type { Em } from './orm';

/**
 * Runs `work` on `em` and writes what it left in the unit of work, all in one
 * transaction: committed if `work` returns, rolled back if it throws. Inside a
 * transaction already open on `em` (a dry run) it joins that one.
 *
 * MikroORM's own `em.transactional` keeps its fork in an AsyncLocalStorage,
 * and Node 20 then runs promise hooks on every promise of the process for the
 * rest of its life; begin and commit on the request's own entity manager do not.
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
