import { type ClapperClient, createClapperClient } from '@clapper/client';
import { BENCH_ADMIN } from './processes';

export const BENCH_PROJECT = 'Bench';

/** Runs `make(i)` for 0…count-1, `width` at a time (the client batches concurrent calls). */
export async function inParallel<T>(count: number, width: number, make: (i: number) => Promise<T>) {
  const results: T[] = new Array(count);
  for (let start = 0; start < count; start += width) {
    const end = Math.min(count, start + width);
    const chunk = await Promise.all(Array.from({ length: end - start }, (_, k) => make(start + k)));
    chunk.forEach((value, k) => {
      results[start + k] = value;
    });
  }
  return results;
}

export interface Studio {
  admin: ClapperClient;
  botToken: string;
  projectId: string;
  /** Task types for shots. */
  taskTypeIds: string[];
  /** One task (of the first task type) on each shot, when asked for. */
  taskIds: string[];
  shotIds: string[];
}

/**
 * A project with `shots` shots (and a task on each, assigned to the bot, unless `tasks` is false),
 * `taskTypes` shot task types, and a `manager` bot on its team: the bot every
 * benchmark acts as.
 */
export async function seedStudio(
  url: string,
  {
    shots = 100,
    taskTypes = 1,
    tasks = true,
  }: { shots?: number; taskTypes?: number; tasks?: boolean } = {},
): Promise<Studio> {
  const { token } = await createClapperClient({ url }).auth.login.mutate(BENCH_ADMIN);
  const admin = createClapperClient({ url, token });
  const department = await admin.departments.create.mutate({ name: 'Animation' });
  const taskTypeIds = await inParallel(taskTypes, 50, async (i) => {
    const type = await admin.taskTypes.create.mutate({
      name: `Stage ${i + 1}`,
      departmentId: department.id,
      forEntity: 'shot',
    });
    return type.id;
  });
  const project = await admin.projects.create.mutate({
    name: BENCH_PROJECT,
    botCollaboration: true,
  });
  const { bot, token: botToken } = await admin.bots.create.mutate({
    name: 'bench-bot',
    role: 'manager',
    departmentIds: [department.id],
  });
  await admin.projects.addMember.mutate({ projectId: project.id, personId: bot.id });
  const made = await inParallel(shots, 50, async (i) => {
    const shot = await admin.shots.create.mutate({
      projectId: project.id,
      sequence: `SQ${String(Math.floor(i / 100)).padStart(3, '0')}`,
      name: `SH${String(i % 100).padStart(3, '0')}`,
    });
    if (!tasks) return { shotId: shot.id, taskId: '' };
    const task = await admin.tasks.create.mutate({
      entityId: shot.id,
      taskTypeId: taskTypeIds[0]!,
      assigneeIds: [bot.id],
    });
    return { shotId: shot.id, taskId: task.id };
  });
  return {
    admin,
    botToken,
    projectId: project.id,
    taskTypeIds,
    taskIds: made.map((m) => m.taskId).filter(Boolean),
    shotIds: made.map((m) => m.shotId),
  };
}
