/** A setting that cannot be used: `onair` prints the message and exits with status 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

/** A setting's raw value and where it came from (`--flag` or the env variable), for messages. */
export interface SettingValue {
  value: string;
  from: string;
}

export const fromFlag = (value: string | undefined, name: string): SettingValue | undefined =>
  value !== undefined ? { value, from: `--${name}` } : undefined;

export const fromEnv = (env: Env, key: string): SettingValue | undefined => (env[key] ? { value: env[key]!, from: key } : undefined);
