/**
 * `onair grants create <VJ>`: asks the server for a PlaybackGrant and wraps it in a viewer
 * access token (`grants.player`, HS256 with the API key secret), as an application
 * backend would with PlaybackGrantCache.
 */
import { PlaybackGrantCache } from '@onair/tokens';
import { integerOption, stringOption, type CommandGroup } from './command.js';

/** `https://host/playback/VJ…?token=…` → `https://host`: the public base the server put in the grant. */
function publicBase(playbackUrl: string, fallback: string): string {
  const i = playbackUrl.lastIndexOf('/playback/');
  return i > 0 ? playbackUrl.slice(0, i) : fallback;
}

export const grantsCommands: CommandGroup = {
  name: 'grants',
  summary: 'onair grants — viewer access tokens for a stream',
  commands: {
    create: {
      synopsis: 'create <VJ sid> [--ttl 60] [--identity viewer]',
      summary:
        'Gets a PlaybackGrant (Ttl seconds, 1–60) for the PlayerStreamer and prints a viewer access\n' +
        '      token wrapping it, with an /embed/player link.',
      args: ['streamer'],
      options: { ttl: { type: 'string' }, identity: { type: 'string' } },
      async run({ client, out, accountSid, apiKeySid, apiSecret }, [streamerSid], values) {
        const ttl = integerOption(values, 'ttl') ?? 60;
        const identity = stringOption(values, 'identity') || 'viewer';
        const answer = await client.post(`/v1/PlayerStreamers/${encodeURIComponent(streamerSid!)}/PlaybackGrant`, { Ttl: ttl });
        const cache = new PlaybackGrantCache({
          source: async () => answer as { grant: unknown },
          streamerSid: streamerSid!,
          refreshMargin: 0,
          accountSid: typeof answer.account_sid === 'string' ? answer.account_sid : accountSid,
          apiKeySid,
          apiSecret,
        });
        const token = await cache.mintViewerToken({ identity });
        const entry = cache.peek()!;
        const playerUrl = `${publicBase(entry.grant.playbackUrl, client.baseUrl)}/embed/player?token=${encodeURIComponent(token)}`;
        if (out.json) return out.printJson({ playback_grant: answer, token, player_url: playerUrl });
        out.record([
          ['streamer', streamerSid],
          ['identity', identity],
          ['grant expires', new Date(entry.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z')],
          ['token', token],
          ['player', playerUrl],
        ]);
      },
    },
  },
};
