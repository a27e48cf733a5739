// The Kitsu seed's first example, as a Clapper script:
//   pnpm bot scripts/examples/get-project.ts -- --project MyProduction
import { parseArgs } from 'node:util';
import { defineScript } from '@clapper/runner';

export default defineScript(async ({ client, bot, args, log }) => {
  const { values } = parseArgs({
    args,
    options: { project: { type: 'string', default: 'MyProduction' } },
  });
  const project = await client.projects.byName.query({ name: values.project });
  log.info(`${bot.name} sees ${project.name}`);
  console.log(
    JSON.stringify({ id: project.id, name: project.name, team: project.team.map((p) => p.name) }),
  );
});
