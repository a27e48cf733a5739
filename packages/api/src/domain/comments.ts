/** Comments on a task: read where the task is readable, written by the `comment` rule. */
import { type CommentRow, newId, writes } from '@clapper/db';
import { z } from 'zod';
import { writeWithEvent } from '../events/write';
import { commentView } from '../views/production';
import type { ReadDeps, WriteDeps } from './deps';
import { toPage, ZPage } from './pagination';
import { ZId } from './schemas';
import { statusById } from './task-checks';
import { text } from './text';

export const ZListCommentsInput = z.object({ taskId: ZId, ...ZPage });
export const ZAddCommentInput = z
  .object({
    taskId: ZId,
    // Empty only with a status: Kitsu's status change is a comment, often without words.
    text: text({ max: 20_000, multiline: true, min: 0 }),
    statusId: ZId.optional(),
  })
  .refine((c) => c.text !== '' || c.statusId !== undefined, {
    path: ['text'],
    message: 'must not be empty (unless the comment sets a statusId)',
  });

export async function listComments(
  { access, services }: ReadDeps,
  input: z.infer<typeof ZListCommentsInput>,
) {
  const task = await access.task(input.taskId);
  const key = `comments.list ${JSON.stringify([task.id, input.cursor, input.limit])}`;
  return services.cache.page(task.projectId, key, async () => {
    const rows = await services.reads.tasks.comments(task.id, input.cursor, input.limit + 1);
    const page = toPage(rows, input.limit);
    return { items: page.items.map(commentView), nextCursor: page.nextCursor };
  });
}

/** A comment, and with `statusId` the task's new status, in one transaction and one event. */
export async function addComment(deps: WriteDeps, input: z.infer<typeof ZAddCommentInput>) {
  const { access, principal, services } = deps;
  // A status change is decided on what the task holds now; a plain comment needs only the check.
  const task = await access.task(input.taskId, 'comment', { fresh: !!input.statusId });
  // A comment at the status the task has changes no status: only the comment rule applies.
  if (input.statusId && input.statusId !== task.status.id) {
    access.assert('setTaskStatus', await access.taskStanding(task));
  }
  const status = input.statusId ? await statusById(services.reads, input.statusId) : null;
  const now = services.now();
  const comment: CommentRow = {
    id: newId(),
    taskId: task.id,
    authorId: principal.id,
    authorName: principal.name,
    text: input.text,
    statusId: status?.id ?? null,
    createdAt: now,
  };
  const event = {
    type: 'comment.added',
    projectId: task.projectId,
    targetType: 'comment',
    targetId: comment.id,
    taskId: task.id,
    // `from` when the comment moves the status: what a listener of status changes reads.
    data: {
      statusId: comment.statusId,
      ...(status && status.id !== task.status.id ? { from: task.status.id } : {}),
    },
  };
  const moves = status && status.id !== task.status.id;
  return writeWithEvent(
    deps,
    principal,
    event,
    now,
    [
      ...(moves ? [writes.setTaskStatus(task.id, status.id, now)] : []),
      writes.insertComment(comment),
    ],
    'Task',
    commentView(comment),
  );
}
