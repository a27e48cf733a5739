import type { Role } from './api';

// Keyed by the API's Role type: a role added on the server fails the build until it has a label here.
export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  manager: 'Manager',
  supervisor: 'Supervisor',
  artist: 'Artist',
  client: 'Client',
  vendor: 'Vendor',
};

export const ROLE_OPTIONS = Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label }));
