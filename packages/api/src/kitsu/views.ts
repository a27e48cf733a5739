/**
 * Clapper's records as zou (Kitsu's server) writes them, for gazu: its field names, its
 * datetimes (naive UTC to the second), `type` on every object. Fields Clapper has no notion of
 * carry zou's defaults. docs/gazu-requests.md has zou's shapes, read from its source.
 */
import type { Role } from '@clapper/db';

/** The zou release whose answers these follow. */
export const ZOU_VERSION = '1.0.67';

/** zou's datetimes: `2024-01-31T12:00:00`, UTC without a zone or a fraction. */
export const zouDateTime = (at: Date | string) => new Date(at).toISOString().slice(0, 19);

/**
 * Clapper's projects have no status: each is open. gazu reads a project's `project_status_id`
 * and `project_status_name`, so every project carries this one status, with an id of its own.
 */
export const OPEN_STATUS = { id: '0b0f1a9e-6f4c-5d3a-9b1e-4c5a2f7d8e01', name: 'Open' } as const;

/** zou's roles: Clapper's `artist` is zou's `user`; the others have the same code. */
const ZOU_ROLE: Record<Role, string> = {
  admin: 'admin',
  manager: 'manager',
  supervisor: 'supervisor',
  artist: 'user',
  client: 'client',
  vendor: 'vendor',
};

/** What Clapper's project answers hold (`projects.get`, `projects.byName`, `projects.list`). */
export interface ClapperProject {
  id: string;
  name: string;
  botCollaboration: boolean;
  team: readonly { id: string; name: string; kind: 'user' | 'bot'; role: Role }[];
  createdAt: Date | string;
}

/**
 * A project as zou's `/data/projects` lists it; `withRelations` adds what `/data/projects/<id>`
 * adds (the team's ids, the linked lists Clapper keeps studio-wide, the status's name).
 */
export function kitsuProject(project: ClapperProject, { withRelations = false } = {}) {
  const at = zouDateTime(project.createdAt);
  const base = {
    id: project.id,
    created_at: at,
    updated_at: at,
    name: project.name,
    code: null,
    description: null,
    shotgun_id: null,
    file_tree: null,
    data: null,
    has_avatar: false,
    fps: '25',
    ratio: '16:9',
    resolution: '1920x1080',
    production_type: 'short',
    production_style: '2d3d',
    start_date: null,
    end_date: null,
    man_days: null,
    nb_episodes: 0,
    episode_span: 0,
    max_retakes: 0,
    is_clients_isolated: false,
    is_preview_download_allowed: false,
    is_set_preview_automated: false,
    homepage: 'assets',
    is_publish_default_for_artists: false,
    is_bot_collaboration_enabled: project.botCollaboration,
    is_single_preview_per_revision: false,
    is_frame_in_numbering: false,
    revision_padding: 0,
    hd_bitrate_compression: 28,
    ld_bitrate_compression: 6,
    project_status_id: OPEN_STATUS.id,
    default_preview_background_file_id: null,
    from_schedule_version_id: null,
    type: 'Project' as const,
  };
  if (!withRelations) return base;
  return {
    ...base,
    team: project.team.map((member) => member.id),
    asset_types: [],
    task_statuses: [],
    task_types: [],
    status_automations: [],
    preview_background_files: [],
    project_status_name: OPEN_STATUS.name,
  };
}

/** A name as zou splits it: the first word, and the rest. */
export function names(name: string) {
  const at = name.indexOf(' ');
  return at < 0
    ? { first_name: name, last_name: '' }
    : { first_name: name.slice(0, at), last_name: name.slice(at + 1) };
}

/** What Clapper's person answers hold (`auth.me`). */
export interface ClapperPerson {
  id: string;
  kind: 'user' | 'bot';
  name: string;
  email: string | null;
  role: Role;
  active: boolean;
  departments: readonly { id: string }[];
  expiresAt: string | null;
  createdAt: Date | string;
}

/** A person as zou's `auth/authenticated` and `/data/persons` write one (no secret fields). */
export function kitsuPerson(person: ClapperPerson) {
  const at = zouDateTime(person.createdAt);
  return {
    id: person.id,
    created_at: at,
    updated_at: at,
    ...names(person.name),
    email: person.email,
    phone: null,
    active: person.active,
    archived: false,
    last_presence: null,
    desktop_login: null,
    timezone: 'UTC',
    locale: 'en_US',
    data: null,
    role: ZOU_ROLE[person.role],
    has_avatar: false,
    is_bot: person.kind === 'bot',
    is_guest: false,
    expiration_date: person.expiresAt,
    full_name: person.name,
    type: 'Person' as const,
    departments: person.departments.map((department) => department.id),
  };
}

/** zou's organisation, which `auth/authenticated` carries beside the user. */
export const ORGANISATION = {
  id: '0b0f1a9e-6f4c-5d3a-9b1e-4c5a2f7d8e02',
  created_at: '2026-01-01T00:00:00',
  updated_at: '2026-01-01T00:00:00',
  name: 'Clapper',
  hours_by_day: 8,
  has_avatar: false,
  use_original_file_name: false,
  timesheets_locked: false,
  format_duration_in_hours: false,
  hd_by_default: false,
  dark_theme_by_default: true,
  type: 'Organisation' as const,
};

/**
 * Studio settings carry no dates in Clapper: zou's `created_at`/`updated_at` go out as null
 * (gazu reads neither).
 */
const undated = { created_at: null, updated_at: null };

/** A task type as zou's `/data/task-types` writes one. */
export function kitsuTaskType(t: {
  id: string;
  name: string;
  departmentId: string;
  forEntity: 'shot' | 'asset';
}) {
  return {
    id: t.id,
    ...undated,
    name: t.name,
    short_name: null,
    description: null,
    color: '#FFFFFF',
    priority: 1,
    for_entity: t.forEntity === 'shot' ? 'Shot' : 'Asset',
    allow_timelog: true,
    archived: false,
    shotgun_id: null,
    department_id: t.departmentId,
    type: 'TaskType' as const,
  };
}

/** A task status as zou's `/data/task-status` writes one. */
export function kitsuTaskStatus(s: {
  id: string;
  name: string;
  shortName: string;
  isDone: boolean;
  color: string | null;
}) {
  return {
    id: s.id,
    ...undated,
    name: s.name,
    archived: false,
    short_name: s.shortName,
    description: null,
    color: s.color ?? '#f5f5f5',
    priority: 1,
    is_done: s.isDone,
    is_artist_allowed: true,
    is_client_allowed: true,
    is_retake: s.shortName === 'retake',
    is_feedback_request: s.shortName === 'wfa',
    is_default: s.shortName === 'todo',
    is_wip: s.shortName === 'wip',
    shotgun_id: null,
    for_concept: false,
    type: 'TaskStatus' as const,
  };
}

/** A department as zou's `/data/departments` writes one. */
export function kitsuDepartment(d: { id: string; name: string; color: string | null }) {
  return {
    id: d.id,
    ...undated,
    name: d.name,
    color: d.color ?? '#FFFFFF',
    archived: false,
    type: 'Department' as const,
  };
}
