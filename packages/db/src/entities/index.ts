export * from './base';
export * from './comment';
export * from './department';
export * from './entity';
export * from './event';
export * from './idempotency-key';
export * from './person';
export * from './project';
export * from './session';
export * from './setting';
export * from './task';
export * from './task-status';
export * from './task-type';

import { Comment } from './comment';
import { Department } from './department';
import { Entity } from './entity';
import { Event } from './event';
import { IdempotencyKey } from './idempotency-key';
import { Person } from './person';
import { Project } from './project';
import { Session } from './session';
import { Setting } from './setting';
import { Task } from './task';
import { TaskStatus } from './task-status';
import { TaskType } from './task-type';

export const entities = [
  Comment,
  Department,
  Entity,
  Event,
  IdempotencyKey,
  Person,
  Project,
  Session,
  Setting,
  Task,
  TaskStatus,
  TaskType,
];
