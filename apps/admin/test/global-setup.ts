import type { TestProject } from 'vitest/node';
import { launchChromiumServer } from './support';

/**
 * One Chromium for the admin project's test files, in both workers: a launch costs about a
 * second of both cores, a connection a few milliseconds. The admin itself is built by the
 * first file that serves it (`startAdminServer`), while the other projects' files run.
 */
export default async function setup(project: TestProject) {
  const browser = await launchChromiumServer();
  project.provide('chromiumEndpoint', browser.wsEndpoint());
  return () => browser.close();
}
