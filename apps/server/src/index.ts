export { BODY_LIMIT_BYTES, type BuildServerOptions, buildServer, DEFAULT_ADMIN_DIR } from './app';
export { credentialFrom, SESSION_COOKIE } from './credentials';
export { type Env, loadEnv } from './env';
export { createLogger } from './logger';
export { type Prepared, type PrepareOptions, prepareDatabase } from './start';
