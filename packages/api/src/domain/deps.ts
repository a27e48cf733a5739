import type { Em } from '@clapper/db';
import type { Principal } from '../auth/principal';
import type { StatementWriter } from '../events/write';
import type { ApiServices } from '../services';
import type { Access } from './access';

/** What an ORM operation works with: this request's entity manager and the server's services. */
export interface DomainDeps {
  em: Em;
  services: ApiServices;
}

/** A signed-in caller's ORM operation: who calls, and what it may do where. */
export interface CallerDeps extends DomainDeps {
  principal: Principal;
  access: Access;
}

/** A hot read (`readProcedure`): no entity manager on this path. */
export interface ReadDeps {
  services: ApiServices;
  access: Access;
}

/** A mutation written as prepared statements (`writeProcedure`, `writeWithEvent`). */
export interface WriteDeps extends ReadDeps, StatementWriter {
  principal: Principal;
}
