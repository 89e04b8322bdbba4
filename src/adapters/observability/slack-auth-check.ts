// The bot's Slack readiness: its token passed auth.test. Asked once at start and again at each
// /readyz until it passes (a token Slack refuses keeps the bot out of service, saying why);
// once passed, it is not asked again.
import type { ReadinessCheck } from './operations.js';

export interface SlackAuth {
  auth: { test(): Promise<{ ok?: boolean; error?: string }> };
}

export function slackAuthCheck(slack: SlackAuth, onError: (error: unknown) => void): ReadinessCheck {
  let passed = false;
  let asking: Promise<boolean> | undefined;
  const ask = (): Promise<boolean> => (asking ??= slack.auth.test()
    .then((answer) => (passed = answer.ok === true))
    .catch((error: unknown) => {
      onError(error);
      throw new Error(`Slack auth.test failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    })
    .finally(() => (asking = undefined)));
  void ask().catch(() => undefined);
  return { name: 'slack auth', check: () => passed || ask() };
}
