/**
 * The REST edge of a video-composer-v1 MediaProcessor: its Extension, ExtensionContext and
 * ExtensionEnvironment are parsed and checked here, once, into a complete ComposerSettings.
 * Every default comes from protocol's COMPOSER_DEFAULTS and every size limit from
 * COMPOSER_LIMITS; nothing after this edge applies a default or checks a size again.
 */
import {
  COMPOSER_DEFAULTS,
  COMPOSER_LIMITS,
  MediaExtensions,
  SidPrefix,
  isSid,
  type ComposerSettings,
} from '@onair/protocol';
import { z } from 'zod';
import { ApiError } from '../services/api-error.js';
import { valueAt } from '../http/params.js';

const L = COMPOSER_LIMITS;

/** `WxH` → [w, h] when it fits the limits (even sides, portrait allowed); else undefined. */
function fitResolution(r: string): [number, number] | undefined {
  const [w, h] = r.split('x').map(Number) as [number, number];
  const fits =
    w >= L.minSide && h >= L.minSide && w % 2 === 0 && h % 2 === 0 &&
    Math.max(w, h) <= L.maxLongSide && Math.min(w, h) <= L.maxShortSide;
  return fits ? [w, h] : undefined;
}

const resolution = z
  .string()
  .regex(/^\d{2,4}x\d{2,4}$/, `must look like ${COMPOSER_DEFAULTS.resolution}`)
  .refine(
    (r) => fitResolution(r) !== undefined,
    `must be even width x height, at least ${L.minSide}, at most ${L.maxLongSide}x${L.maxShortSide} (portrait allowed)`,
  );

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
  room: z.object({ name: z.string().min(1, 'must not be empty').max(L.maxRoomName) }, { error: 'must be an object like {"name": "my-room"}' }),
  outputs: z
    .array(z.string().refine((s) => isSid(SidPrefix.PlayerStreamer, s), 'must be a PlayerStreamer SID (VJ…)'), {
      error: 'must be an array of PlayerStreamer SIDs',
    })
    .min(1, 'must name at least one PlayerStreamer')
    .max(L.maxOutputs, `may name at most ${L.maxOutputs} PlayerStreamers`),
  identity: z.string().min(1).max(L.maxIdentity).optional(),
  resolution: resolution.optional(),
  audioBitrate: z.number().int('must be an integer').min(L.minAudioKbps).max(L.maxAudioKbps).optional(),
  /** keep the whole stream as a MediaRecording: at most one, [{"containerFormat": "mp4"}] */
  recordings: z
    .array(recording, { error: 'must be an array like [{"containerFormat": "mp4"}]' })
    .max(L.maxRecordings, 'may name at most one recording')
    .optional(),
});
export type ComposerContext = z.infer<typeof composerContextSchema>;

export const composerEnvironmentSchema = z.object({
  hideParticipantIdentities: z.boolean().optional(),
  backgroundColor: z
    .string()
    .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, `must be a hex colour like ${COMPOSER_DEFAULTS.backgroundColor}`)
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

const invalid = (parameter: string, message: string) =>
  ApiError.invalidParameter(`Invalid parameter ${parameter}: ${message}`, { parameter });

function parseJson(parameter: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw invalid(parameter, `must be valid JSON (${(err as Error).message})`);
  }
}

function parse<T>(parameter: string, schema: z.ZodType<T>, raw: string): T {
  const r = check(schema, parseJson(parameter, raw));
  if (!r.ok) throw invalid(parameter, r.message);
  return r.value;
}

/** Applies COMPOSER_DEFAULTS to what the request left out (the only place they are applied). */
export function composerSettings(context: ComposerContext, env: ComposerEnvironment): ComposerSettings {
  const [width, height] = fitResolution(context.resolution ?? COMPOSER_DEFAULTS.resolution)!;
  const asked = context.recordings?.[0];
  return {
    room: context.room.name,
    outputs: [...new Set(context.outputs)],
    identity: context.identity ?? COMPOSER_DEFAULTS.identity,
    width,
    height,
    audioKbps: context.audioBitrate ?? COMPOSER_DEFAULTS.audioBitrateKbps,
    hideParticipantIdentities: env.hideParticipantIdentities ?? COMPOSER_DEFAULTS.hideParticipantIdentities,
    backgroundColor: env.backgroundColor ?? COMPOSER_DEFAULTS.backgroundColor,
    recording: asked ? { containerFormat: asked.containerFormat } : undefined,
  };
}

/**
 * Parses a create request's Extension, ExtensionContext and ExtensionEnvironment (raw JSON
 * strings) into ComposerSettings; throws ApiError 400 (20001) naming the parameter and the
 * first problem.
 */
export function parseComposerRequest(extension: string, extensionContext: string, extensionEnvironment?: string): ComposerSettings {
  if (!(MediaExtensions as readonly string[]).includes(extension)) {
    throw invalid('Extension', `'${extension.slice(0, 64)}' is not available; use one of: ${MediaExtensions.join(', ')}`);
  }
  const context = parse('ExtensionContext', composerContextSchema, extensionContext);
  const env = extensionEnvironment === undefined ? {} : parse('ExtensionEnvironment', composerEnvironmentSchema, extensionEnvironment);
  return composerSettings(context, env);
}
