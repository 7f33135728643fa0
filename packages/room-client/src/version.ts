/** The SDK version; kept equal to package.json by `version.test.ts`. */
export const version = '0.1.0';

/** How the SDK names itself in `join.sdk`, for server logs. */
export const SDK_NAME = `onair-room-client/${version}`;
