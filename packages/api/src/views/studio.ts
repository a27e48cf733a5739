import type { IDepartment, ITaskType } from '@clapper/db';

export const departmentView = (d: IDepartment) => ({
  id: d.id,
  name: d.name,
  color: d.color ?? null,
});

export const taskTypeView = (t: ITaskType) => ({
  id: t.id,
  name: t.name,
  departmentId: t.department.id,
  forEntity: t.forEntity,
});
