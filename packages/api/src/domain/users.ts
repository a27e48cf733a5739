import { inTransaction, newId, Person, Session } from '@clapper/db';
import { z } from 'zod';
import { hashPassword } from '../auth/passwords';
import { badRequest, notFound } from '../errors';
import { recordEvent } from '../events/write';
import { type PersonView, personViewOf } from '../views/person';
import { findDepartments } from './departments';
import type { ActorDeps, Deps, DomainDeps } from './deps';
import { changeRecorder } from './people';
import { listPeople, type PeopleListInput, ZPeopleListInput } from './people-list';
import { ZDepartmentIds, ZEmail, ZId, ZName, ZPassword, ZRole } from './schemas';
import { assertSeatAvailable } from './seats';
import { assertNameFree } from './unique-names';

export const ZCreateUserInput = z.object({
  email: ZEmail,
  name: ZName,
  password: ZPassword,
  role: ZRole.default('artist'),
  departmentIds: ZDepartmentIds.default([]),
  active: z.boolean().default(true),
});
export type CreateUserInput = z.infer<typeof ZCreateUserInput>;

export const ZUpdateUserInput = z.object({
  id: ZId,
  email: ZEmail.optional(),
  name: ZName.optional(),
  /** An admin's reset: the user's sessions end. */
  password: ZPassword.optional(),
  role: ZRole.optional(),
  departmentIds: ZDepartmentIds.optional(),
  active: z.boolean().optional(),
});
export type UpdateUserInput = z.infer<typeof ZUpdateUserInput>;

export const ZListUsersInput = ZPeopleListInput;

export const listUsers = (deps: Pick<Deps, 'services'>, input: PeopleListInput) =>
  listPeople(deps, { ...input, kind: 'user' });

export async function createUser(
  { em, services, principal: actor }: ActorDeps,
  input: CreateUserInput,
): Promise<PersonView> {
  await assertNameFree(em, Person, 'person', input.email, { field: 'email' });
  const departments = await findDepartments(em, input.departmentIds);
  const passwordHash = await hashPassword(input.password);
  const user = await inTransaction(em, async (tx) => {
    if (input.active) await assertSeatAvailable(tx, services);
    const created = tx.create(Person, {
      id: newId(),
      kind: 'user',
      name: input.name,
      email: input.email,
      passwordHash,
      role: input.role,
      active: input.active,
      createdBy: actor?.kind === 'user' ? tx.getReference(Person, actor.id) : null,
      createdBySystem: actor === null,
    });
    created.departments.set(departments);
    recordEvent(tx, actor, {
      type: 'user.created',
      targetType: 'person',
      targetId: created.id,
      data: { email: input.email, role: input.role, active: input.active },
    });
    return created;
  });
  return personViewOf(em, user, services.now());
}

export async function updateUser(
  { em, services, principal: actor }: ActorDeps,
  input: UpdateUserInput,
): Promise<PersonView> {
  const user = await em.findOne(Person, { id: input.id, kind: 'user' });
  if (!user) throw notFound('User');
  const record = changeRecorder(user);
  if (input.email !== undefined && input.email !== user.email) {
    await assertNameFree(em, Person, 'person', input.email, { field: 'email' });
    record.set('email', input.email);
  }
  if (input.name !== undefined) record.set('name', input.name);
  const demotesAdmin =
    user.role === 'admin' &&
    user.active &&
    ((input.role !== undefined && input.role !== 'admin') || input.active === false);
  if (demotesAdmin) {
    await assertNotLastAdmin(em, user.id, input.role !== undefined ? 'role' : 'active');
  }
  if (input.role !== undefined) record.set('role', input.role);
  const activates = input.active === true && !user.active;
  if (input.active !== undefined) record.set('active', input.active);
  if (input.departmentIds !== undefined) await record.departments(em, input.departmentIds);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  if (passwordHash) record.changes.password = { from: '[set]', to: '[reset]' };

  if (record.changed) {
    await inTransaction(em, async (tx) => {
      if (activates) await assertSeatAvailable(tx, services, user.id);
      if (passwordHash) {
        const withHash = await tx.findOneOrFail(
          Person,
          { id: user.id },
          { populate: ['passwordHash'] },
        );
        withHash.passwordHash = passwordHash;
        await tx.nativeUpdate(
          Session,
          { person: user.id, revokedAt: null },
          { revokedAt: services.now() },
        );
      }
      recordEvent(tx, actor, {
        type: 'user.updated',
        targetType: 'person',
        targetId: user.id,
        data: { changes: record.changes },
      });
    });
    services.credentials.forgetPerson(user.id);
  }
  return personViewOf(em, user, services.now());
}

/** Someone must always be able to manage the studio. */
async function assertNotLastAdmin(em: DomainDeps['em'], id: string, field: 'role' | 'active') {
  const others = await em.count(Person, {
    kind: 'user',
    role: 'admin',
    active: true,
    id: { $ne: id },
  });
  if (others === 0) throw badRequest(field, 'cannot remove the last active admin');
}
