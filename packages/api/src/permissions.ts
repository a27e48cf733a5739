import { ROLES, type Role } from '@clapper/db';

/**
 * The role table (docs/security.md), as code. A rule says, for each role, which callers
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
  readProject:         { admin: EVERYWHERE, manager: TEAM,       supervisor: TEAM,       artist: TEAM,     client: TEAM,  vendor: TEAM },
  changeProject:       { admin: EVERYWHERE, manager: TEAM,       supervisor: NEVER,      artist: NEVER,    client: NEVER, vendor: NEVER },
  readSubjects:        { admin: EVERYWHERE, manager: TEAM,       supervisor: TEAM,       artist: TEAM,     client: TEAM,  vendor: ASSIGNED },
  changeSubjects:      { admin: EVERYWHERE, manager: TEAM,       supervisor: NEVER,      artist: NEVER,    client: NEVER, vendor: NEVER },
  readTask:            { admin: EVERYWHERE, manager: TEAM,       supervisor: TEAM,       artist: TEAM,     client: TEAM,  vendor: ASSIGNED },
  changeTask:          { admin: EVERYWHERE, manager: TEAM,       supervisor: DEPARTMENT, artist: NEVER,    client: NEVER, vendor: NEVER },
  setTaskStatus:       { admin: EVERYWHERE, manager: TEAM,       supervisor: DEPARTMENT, artist: ASSIGNED, client: NEVER, vendor: NEVER },
  comment:             { admin: EVERYWHERE, manager: TEAM,       supervisor: DEPARTMENT, artist: ASSIGNED, client: TEAM,  vendor: NEVER },
  // Studio-wide: where the caller stands plays no part, only its role.
  configureStudio:     { admin: EVERYWHERE, manager: NEVER,      supervisor: NEVER,      artist: NEVER,    client: NEVER, vendor: NEVER },
  manageBots:          { admin: EVERYWHERE, manager: NEVER,      supervisor: NEVER,      artist: NEVER,    client: NEVER, vendor: NEVER },
  manageUsers:         { admin: EVERYWHERE, manager: NEVER,      supervisor: NEVER,      artist: NEVER,    client: NEVER, vendor: NEVER },
  listPeople:          { admin: EVERYWHERE, manager: EVERYWHERE, supervisor: NEVER,      artist: NEVER,    client: NEVER, vendor: NEVER },
  seeAllEvents:        { admin: EVERYWHERE, manager: NEVER,      supervisor: NEVER,      artist: NEVER,    client: NEVER, vendor: NEVER },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof RULES;

/** Rules that hold studio-wide, by role alone (the procedure guard `allowedTo` checks them). */
export type StudioAction =
  | 'configureStudio'
  | 'manageBots'
  | 'manageUsers'
  | 'listPeople'
  | 'seeAllEvents';

/** Standing outside every team: what a studio-wide rule is judged on. */
export const STUDIO_WIDE: Standing = { inTeam: false, inDepartment: false, assigned: false };

export const can = (action: Action, role: Role, standing: Standing): boolean =>
  RULES[action][role](standing);

/** The roles a studio-wide rule admits, for its refusal to name. */
export const rolesAllowed = (action: StudioAction): Role[] =>
  ROLES.filter((role) => can(action, role, STUDIO_WIDE));

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
