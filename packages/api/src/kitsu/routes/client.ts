/** gazu.client and gazu's session: the host's version, who is signed in, `log_in`. */

import type { KitsuSurface } from '../surface';
import { type ClapperPerson, kitsuPerson, ORGANISATION, ZOU_VERSION } from '../views';

export function clientRoutes(k: KitsuSurface) {
  // host_is_up (HEAD, no token) and get_api_version.
  k.get('/', async () => ({ api: 'Zou', version: ZOU_VERSION }));

  // get_current_user, is_authenticated, get_organisation.
  k.get('/auth/authenticated', async (r) => ({
    authenticated: true,
    user: kitsuPerson(await r.call<ClapperPerson>('auth.me')),
    organisation: ORGANISATION,
  }));

  // gazu.log_in(email, password): a person's session, as `auth.login` makes it (bots never log
  // in: their token goes to `set_token`). gazu keeps the answer as its tokens and sends
  // `access_token` from then on. A refusal is 401, which gazu turns into AuthFailedException.
  k.post(
    '/auth/login',
    async (r) => {
      // gazu sends the token it holds with every request, this one too; zou's login reads only
      // the email and password, and so does this one (a bot's token would refuse the call).
      delete r.req.headers.authorization;
      const { email, password } = r.body();
      const session = await r.call<{ token: string; person: ClapperPerson }>('auth.login', {
        email,
        password,
      });
      return {
        user: kitsuPerson(session.person),
        organisation: ORGANISATION,
        login: true,
        access_token: session.token,
      };
    },
    200,
  );

  // gazu.log_out (and create_session's exit): the session ends, as `auth.logout` ends it. Like
  // zou's, for people only: a bot's token is ended by regenerating it.
  k.get('/auth/logout', async (r) => {
    await r.call('auth.logout');
    return { logout: true };
  });
}
