import {
  ensureDefaultTaskStatuses,
  ensureFirstAdmin,
  type FirstAdmin,
  loadSigningSecret,
} from '@clapper/api';
import { type Em, migrate, type Orm } from '@clapper/db';

export interface PrepareOptions {
  secret?: string;
  /** The server creates the first admin; the CLI leaves that to `admin:create`. */
  createFirstAdmin?: boolean;
  adminEmail?: string;
  adminPassword?: string;
}

export interface Prepared {
  migrations: string[];
  secret: string;
  firstAdmin: FirstAdmin | null;
}

/** First-start work, safe to repeat: migrations, the signing secret, default statuses, the first admin. */
export async function prepareDatabase(orm: Orm, options: PrepareOptions): Promise<Prepared> {
  const migrations = await migrate(orm);
  const em = orm.em.fork() as Em;
  const secret = await loadSigningSecret({ em }, { fromEnv: options.secret });
  await ensureDefaultTaskStatuses({ em });
  const firstAdmin =
    options.createFirstAdmin === false
      ? null
      : await ensureFirstAdmin(
          { em },
          { email: options.adminEmail, password: options.adminPassword },
        );
  return { migrations, secret, firstAdmin };
}
