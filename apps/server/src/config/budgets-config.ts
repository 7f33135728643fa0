/**
 * The client budgets' settings (ONAIR_* rates and caps), parsed from env once. Each budget's
 * refusal and metric: SECURITY.md / README; the budgets themselves live in `@onair/rooms`
 * (signaling), `@onair/player-streamer` (playback) and http/rest-budgets.ts (REST).
 */
import { SIGNALING_BUDGET_DEFAULTS, type SignalingBudgetOptions } from '@onair/rooms';
import { PLAYBACK_BUDGET_DEFAULTS, type PlaybackBudgetOptions } from '@onair/player-streamer';
import { ConfigError } from './config-error.js';

export interface RestBudgetSettings {
  /** requests per second per credential (API key SID or Account SID), ten seconds' worth at once; 0: no limit */
  requestsPerSecond: number;
}

export interface BudgetSettings {
  signaling: SignalingBudgetOptions;
  rest: RestBudgetSettings;
  playback: PlaybackBudgetOptions;
}

export const REST_BUDGET_DEFAULTS: RestBudgetSettings = { requestsPerSecond: 500 };

const S = SIGNALING_BUDGET_DEFAULTS;
const P = PLAYBACK_BUDGET_DEFAULTS;
export const BUDGETS_USAGE = [
  'Budgets (past one: 429/20429 with Retry-After; a signaling socket is closed with 1008).',
  "Rates allow ten seconds' worth at once.",
  `  ONAIR_SIGNALING_MESSAGE_RATE       messages per second per signaling socket (default ${S.messagesPerSecond})`,
  `  ONAIR_SIGNALING_BYTE_RATE          bytes per second per signaling socket (default ${S.bytesPerSecond})`,
  `  ONAIR_REST_RATE                    /v1 requests per second per credential (default ${REST_BUDGET_DEFAULTS.requestsPerSecond}; 0: off)`,
  `  ONAIR_PLAYBACK_SESSION_RATE        playback sessions opened per second per client address (default ${P.sessionOpensPerAddressPerSecond})`,
  `  ONAIR_PLAYBACK_SESSIONS_PER_TOKEN  sessions one viewer access token may open, one more each minute (default ${P.sessionsPerToken})`,
  `  ONAIR_PLAYBACK_MAX_HELD            LL-HLS requests held open at once, all viewers (default ${P.maxHeld}; ${P.maxHeldPerSession} per session)`,
  '  Failed /v1 authentications: 100 per client address, one more each second (fixed).',
].join('\n');

function whole(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got '${value}')`);
  }
  return Number(value);
}

export function readBudgets(env: Record<string, string | undefined>): BudgetSettings {
  return {
    signaling: {
      messagesPerSecond: whole(env, 'ONAIR_SIGNALING_MESSAGE_RATE', SIGNALING_BUDGET_DEFAULTS.messagesPerSecond, 1, 1_000_000),
      // ten seconds' worth must hold the largest frame the server reads (512 KiB)
      bytesPerSecond: whole(env, 'ONAIR_SIGNALING_BYTE_RATE', SIGNALING_BUDGET_DEFAULTS.bytesPerSecond, 65_536, 1_000_000_000),
    },
    rest: {
      requestsPerSecond: whole(env, 'ONAIR_REST_RATE', REST_BUDGET_DEFAULTS.requestsPerSecond, 0, 1_000_000),
    },
    playback: {
      sessionOpensPerAddressPerSecond: whole(
        env,
        'ONAIR_PLAYBACK_SESSION_RATE',
        PLAYBACK_BUDGET_DEFAULTS.sessionOpensPerAddressPerSecond,
        1,
        1_000_000,
      ),
      sessionsPerToken: whole(env, 'ONAIR_PLAYBACK_SESSIONS_PER_TOKEN', PLAYBACK_BUDGET_DEFAULTS.sessionsPerToken, 1, 1_000_000),
      maxHeld: whole(env, 'ONAIR_PLAYBACK_MAX_HELD', PLAYBACK_BUDGET_DEFAULTS.maxHeld, 1, 1_000_000),
      maxHeldPerSession: PLAYBACK_BUDGET_DEFAULTS.maxHeldPerSession,
    },
  };
}
