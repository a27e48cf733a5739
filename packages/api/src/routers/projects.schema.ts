import { z } from 'zod';
import { ZId } from '../domain/schemas';
import { ZNamedListInput } from '../pagination';

/** A person (user or bot) on a project's team: `projects.addMember`, `projects.removeMember`, the CLI. */
export const ZProjectMemberInput = z.object({ projectId: ZId, personId: ZId });
export type ProjectMemberInput = z.infer<typeof ZProjectMemberInput>;

/** A page of the projects the caller may read, whose name contains `q` (any case). */
export const ZListProjectsInput = ZNamedListInput;
