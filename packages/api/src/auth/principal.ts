import type { PersonKind, Role } from '@clapper/db';

/**
 * Who is calling: a snapshot of the person behind a verified token, as of this
 * request. Plain data, so the hot path needs no entity; handlers that change
 * the person load it.
 */
export interface Principal {
  id: string;
  kind: PersonKind;
  name: string;
  role: Role;
  departmentIds: readonly string[];
  /** The token's `jti`: a bot's token id, or a user's session id. */
  tokenId: string;
}
