import { userInfo } from 'node:os';

/** Who is running the CLI: NESTOR_USER, else the login name. */
export function currentUser(env: Readonly<Record<string, string | undefined>>): string {
  return env.NESTOR_USER ?? env.USER ?? userInfo().username;
}
