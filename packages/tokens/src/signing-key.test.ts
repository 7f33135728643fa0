import { calculateJwkThumbprint, importJWK } from 'jose';
import { describe, expect, test } from 'vitest';
import { generateSigningKey } from './signing-key.js';

describe('generateSigningKey', () => {
  test('creates a P-256 key pair identified by its RFC 7638 thumbprint', async () => {
    const key = await generateSigningKey(new Date('2025-01-01T00:00:05.900Z'));
    expect(key.createdAt).toBe(1735689605);
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk));
    expect(key.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: key.kid, alg: 'ES256', use: 'sig' });
    expect(key.publicJwk.d).toBeUndefined();
    expect(key.privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: key.kid, alg: 'ES256' });
    expect(typeof key.privateJwk.d).toBe('string');
    await expect(importJWK(key.privateJwk, 'ES256')).resolves.toBeDefined();
  });

  test('every key is new', async () => {
    const [a, b] = await Promise.all([generateSigningKey(), generateSigningKey()]);
    expect(a.kid).not.toBe(b.kid);
  });
});
