/**
 * `defineTrigger` types `event` by what `on` names (issue #15): checked by the compiler in
 * `pnpm typecheck` (each `@ts-expect-error` must find an error), and run here for the values.
 */
import { defineTrigger, type TypedEvent } from '@clapper/runner';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('defineTrigger types its events', () => {
  it('narrows event.data by type, for exact types and families', () => {
    const statuses = defineTrigger({
      name: 'statuses',
      on: ['task.status_changed'],
      handle(event) {
        expectTypeOf(event.type).toEqualTypeOf<'task.status_changed'>();
        expectTypeOf(event.data.to).toEqualTypeOf<string>();
        // @ts-expect-error a status change carries from and to, nothing else
        void event.data.nope;
      },
    });
    const comments = defineTrigger({
      name: 'comments',
      on: ['comment.*', 'project.member_added'],
      handle(event) {
        if (event.type === 'comment.added')
          expectTypeOf(event.data.statusId).toEqualTypeOf<string | null>();
        else expectTypeOf(event.data.kind).toEqualTypeOf<'user' | 'bot'>();
      },
    });
    const anything = defineTrigger({
      name: 'anything',
      handle(event) {
        expectTypeOf(event.type).toEqualTypeOf<string>();
        expectTypeOf(event.data).toEqualTypeOf<Record<string, unknown> | null>();
      },
    });
    expectTypeOf<TypedEvent<'shot.created'>['data']>().toEqualTypeOf<{
      sequence: string;
      name: string;
    }>();
    expect([statuses.name, comments.name, anything.name]).toEqual([
      'statuses',
      'comments',
      'anything',
    ]);
    expect(comments.on).toEqual(['comment.*', 'project.member_added']);
  });
});
