import { buildAdmin } from './support';

/** The browser tests drive the admin as `pnpm start` serves it: built. */
export default async function setup() {
  await buildAdmin();
}
