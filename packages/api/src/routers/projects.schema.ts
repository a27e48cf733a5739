import { z } from 'zod';
import { ZId } from '../domain/schemas';

/** A person (user or bot) on a project's team: `projects.addMember`, `projects.removeMember`, the CLI. */
export const ZProjectMemberInput = z.object({ projectId: ZId, personId: ZId });
export type ProjectMemberInput = z.infer<typeof ZProjectMemberInput>;
