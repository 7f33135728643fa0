/** The SDK version; kept equal to package.json by `source-hygiene.test.ts`. */
export const version = '0.1.0';
