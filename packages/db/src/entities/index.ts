export * from './asset-type';
export * from './base';
export * from './comment';
export * from './department';
export * from './event';
export * from './idempotency-key';
export * from './listener-place';
export * from './parked-event';
export * from './person';
export * from './project';
export * from './sequence';
export * from './session';
export * from './setting';
export * from './subject';
export * from './task';
export * from './task-assignee';
export * from './task-status';
export * from './task-type';
export * from './trigger';

import { AssetType } from './asset-type';
import { Comment } from './comment';
import { Department } from './department';
import { Event } from './event';
import { IdempotencyKey } from './idempotency-key';
import { ListenerPlace } from './listener-place';
import { ParkedEvent } from './parked-event';
import { Person } from './person';
import { Project } from './project';
import { Sequence } from './sequence';
import { Session } from './session';
import { Setting } from './setting';
import { Subject } from './subject';
import { Task } from './task';
import { TaskAssignee } from './task-assignee';
import { TaskStatus } from './task-status';
import { TaskType } from './task-type';
import { Trigger } from './trigger';

export const entities = [
  AssetType,
  Comment,
  Department,
  Subject,
  Event,
  IdempotencyKey,
  ListenerPlace,
  ParkedEvent,
  Person,
  Project,
  Sequence,
  Session,
  Setting,
  Task,
  TaskAssignee,
  TaskStatus,
  TaskType,
  Trigger,
];
