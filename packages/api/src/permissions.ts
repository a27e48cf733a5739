import type { Role } from '@clapper/db';

/**
 * DESIGN.md's role table, as code. A rule says, for each role, which callers
 * pass given where they stand to the thing at hand. Users and bots are judged
 * alike, by role, departments and project teams.
 */
export interface Standing {
  /** On the project's team. */
  inTeam: boolean;
  /** The task's task type belongs to one of the caller's departments. */
  inDepartment: boolean;
  /** The task (or a task on the asset or shot) is assigned to the caller. */
  assigned: boolean;
}

type Condition = (s: Standing) => boolean;
const EVERYWHERE: Condition = () => true;
const TEAM: Condition = (s) => s.inTeam;
const DEPARTMENT: Condition = (s) => s.inTeam && s.inDepartment;
const ASSIGNED: Condition = (s) => s.inTeam && s.assigned;
const NEVER: Condition = () => false;

type Rule = Record<Role, Condition>;

// biome-ignore format: aligned to read as the role table
export const RULES = {
  //                     admin       manager  supervisor  artist    client  vendor
  readProject:         { admin: EVERYWHERE, manager: TEAM, supervisor: TEAM,       artist: TEAM,     client: TEAM,  vendor: TEAM },
  changeProject:       { admin: EVERYWHERE, manager: TEAM, supervisor: NEVER,      artist: NEVER,    client: NEVER, vendor: NEVER },
  readEntities:        { admin: EVERYWHERE, manager: TEAM, supervisor: TEAM,       artist: TEAM,     client: TEAM,  vendor: ASSIGNED },
  changeEntities:      { admin: EVERYWHERE, manager: TEAM, supervisor: NEVER,      artist: NEVER,    client: NEVER, vendor: NEVER },
  readTask:            { admin: EVERYWHERE, manager: TEAM, supervisor: TEAM,       artist: TEAM,     client: TEAM,  vendor: ASSIGNED },
  changeTask:          { admin: EVERYWHERE, manager: TEAM, supervisor: DEPARTMENT, artist: NEVER,    client: NEVER, vendor: NEVER },
  setTaskStatus:       { admin: EVERYWHERE, manager: TEAM, supervisor: DEPARTMENT, artist: ASSIGNED, client: NEVER, vendor: NEVER },
  comment:             { admin: EVERYWHERE, manager: TEAM, supervisor: DEPARTMENT, artist: ASSIGNED, client: TEAM,  vendor: NEVER },
  // Studio-wide settings: departments, task types, task statuses, projects themselves.
  configureStudio:     { admin: EVERYWHERE, manager: NEVER, supervisor: NEVER,     artist: NEVER,    client: NEVER, vendor: NEVER },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof RULES;

export const can = (action: Action, role: Role, standing: Standing): boolean =>
  RULES[action][role](standing);

/**
 * How far a list reaches for this role in a team project: everything, only
 * what is assigned to the caller, or nothing.
 */
export function listReach(
  action: Action,
  role: Role,
  inTeam: boolean,
): 'all' | 'assigned' | 'none' {
  if (can(action, role, { inTeam, inDepartment: true, assigned: false })) return 'all';
  if (can(action, role, { inTeam, inDepartment: true, assigned: true })) return 'assigned';
  return 'none';
}

/** Who may manage people: only admins manage bots and users; managers may also read the roster. */
export const PEOPLE = {
  manageBots: ['admin'],
  manageUsers: ['admin'],
  listPeople: ['admin', 'manager'],
  seeAllEvents: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export const allows = (rule: readonly Role[], role: Role) => rule.includes(role);
