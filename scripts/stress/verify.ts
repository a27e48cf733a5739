import { Comment, dialectOf, Event, openDatabase } from '@clapper/db';

/** Which of `ids` are comments in the database at `url`, and whether each comment has its event. */
export async function checkComments(url: string, ids: readonly string[]) {
  const orm = await openDatabase(url);
  try {
    const em = orm.em.fork();
    let found = 0;
    for (let i = 0; i < ids.length; i += 500) {
      found += await em.count(Comment, { id: { $in: ids.slice(i, i + 500) } });
    }
    // A comment and its comment.added event commit together, or neither does.
    const comments = await em.count(Comment, {});
    const events = await em.count(Event, { type: 'comment.added' });
    const integrity =
      dialectOf(orm) === 'sqlite'
        ? String(
            (
              (await em.getConnection().execute('pragma integrity_check')) as {
                integrity_check: string;
              }[]
            )[0]?.integrity_check,
          )
        : null;
    return { found, comments, events, integrity };
  } finally {
    await orm.close();
  }
}

/** The id in a tRPC answer to comments.add. */
export function commentIdOf(body: string): string | null {
  try {
    return (
      (JSON.parse(body) as { result?: { data?: { json?: { id?: string } } } }).result?.data?.json
        ?.id ?? null
    );
  } catch {
    return null;
  }
}
