/*
 * The GitHub side of the people in actors.ts, on FakeGithubServer: the portal's app bot, and each
 * person as a GitHub user whose login is their catalog name and whose token is `<login>-token`.
 */
import type { Actor } from '@butler-portal/plugin-gitops-node';
import {
  GithubGitProvider,
  type GithubGitProviderOptions,
} from '../GithubGitProvider';
import {
  FakeGithubServer,
  type FakeGithubServerOptions,
} from '@butler-portal/fake-github';

/** the token the integration (a GitHub App installation) acts with */
export const BOT_TOKEN = 'bot-token';

const loginOf = (actor: Actor) => actor.userRef.replace(/^user:default\//, '');

/** the actor carrying their own GitHub token, as the frontend sends it */
export function withGithubToken(actor: Actor): Actor {
  return { ...actor, scmToken: `${loginOf(actor)}-token` };
}

/** a fake GitHub knowing the portal's bot and `people`; seed the repository yourself */
export async function startFakeGithub(
  people: Actor[],
  options: FakeGithubServerOptions = {},
): Promise<FakeGithubServer> {
  const server = await FakeGithubServer.start(options);
  server.addUser({
    login: 'butler-portal[bot]',
    token: BOT_TOKEN,
    type: 'Bot',
  });
  for (const person of people) {
    server.addUser({
      login: loginOf(person),
      token: withGithubToken(person).scmToken!,
      name: person.name,
      email: person.email,
    });
  }
  return server;
}

/** the portal's provider for butlerlabs/platform on the fake, as the bot, without real sleeps */
export function githubProviderOn(
  server: FakeGithubServer,
  options: Partial<GithubGitProviderOptions> = {},
): GithubGitProvider {
  return new GithubGitProvider({
    repository: 'platform',
    owner: 'butlerlabs',
    repo: 'platform',
    baseUrl: server.baseUrl,
    credentialsProvider: {
      getCredentials: async () => ({ type: 'app', token: BOT_TOKEN }),
    },
    sleep: async () => {},
    ...options,
  });
}
