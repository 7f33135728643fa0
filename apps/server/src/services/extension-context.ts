/** Validation of a video-composer-v1 ExtensionContext and ExtensionEnvironment. */
import { SidPrefix, isSid } from '@onair/protocol';
import { z } from 'zod';
import { valueAt } from '../http/params.js';

const MAX_LONG_SIDE = 1920;
const MAX_SHORT_SIDE = 1080;

const resolution = z
  .string()
  .regex(/^\d{2,4}x\d{2,4}$/, 'must look like 1280x720')
  .refine((r) => {
    const [w, h] = r.split('x').map(Number) as [number, number];
    return (
      w >= 16 && h >= 16 && w % 2 === 0 && h % 2 === 0 &&
      Math.max(w, h) <= MAX_LONG_SIDE && Math.min(w, h) <= MAX_SHORT_SIDE
    );
  }, `must be even width x height, at least 16, at most ${MAX_LONG_SIDE}x${MAX_SHORT_SIDE} (portrait allowed)`);

/** Container formats a processor can record its stream in (Twilio's MediaRecording formats: mp4, webm). */
export const RECORDING_CONTAINER_FORMATS = ['mp4'] as const;

const recording = z.strictObject(
  {
    containerFormat: z.enum(RECORDING_CONTAINER_FORMATS, {
      error: (issue) =>
        issue.input === undefined
          ? 'is required (use "mp4")'
          : `must be ${RECORDING_CONTAINER_FORMATS.map((f) => `"${f}"`).join(' or ')} (the only container format recordings are made in)`,
    }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `has unknown key(s) ${issue.keys.join(', ')}; only containerFormat is allowed` : 'must be an object like {"containerFormat": "mp4"}') },
);

export const composerContextSchema = z.object({
  room: z.object({ name: z.string().min(1, 'must not be empty').max(256) }, { error: 'must be an object like {"name": "my-room"}' }),
  outputs: z
    .array(z.string().refine((s) => isSid(SidPrefix.PlayerStreamer, s), 'must be a PlayerStreamer SID (VJ…)'), {
      error: 'must be an array of PlayerStreamer SIDs',
    })
    .min(1, 'must name at least one PlayerStreamer')
    .max(8, 'may name at most 8 PlayerStreamers'),
  identity: z.string().min(1).max(128).optional(),
  resolution: resolution.optional(),
  audioBitrate: z.number().int('must be an integer').min(16).max(510).optional(),
  /** keep the whole stream as a MediaRecording: at most one, [{"containerFormat": "mp4"}] */
  recordings: z
    .array(recording, { error: 'must be an array like [{"containerFormat": "mp4"}]' })
    .max(1, 'may name at most one recording')
    .optional(),
});
export type ComposerContext = z.infer<typeof composerContextSchema>;

export const composerEnvironmentSchema = z.object({
  hideParticipantIdentities: z.boolean().optional(),
  backgroundColor: z
    .string()
    .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'must be a hex colour like #000000')
    .optional(),
});
export type ComposerEnvironment = z.infer<typeof composerEnvironmentSchema>;

/** Returns the parsed value, or a message naming the first problem ("outputs.0: must be …"). */
export function check<T>(schema: z.ZodType<T>, value: unknown): { ok: true; value: T } | { ok: false; message: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: 'must be a JSON object' };
  }
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  const missing = issue.code === 'invalid_type' && valueAt(value, issue.path) === undefined;
  return { ok: false, message: `${path ? path + ': ' : ''}${missing ? 'is required' : issue.message}` };
}
