import { describe, expect, test } from 'vitest';
import { toProcessorView, type RestProcessor } from './demo-views.js';

const processor = (extension_context: string): RestProcessor => ({
  sid: 'ZX' + '0'.repeat(32),
  status: 'started',
  extension: 'video-composer-v1',
  extension_context,
  ended_reason: null,
  date_created: '2026-12-03T08:00:00Z',
});

describe('toProcessorView', () => {
  test.each([
    ['room and outputs', '{"room":{"name":"show"},"outputs":["VJ1","VJ2"]}', 'show', ['VJ1', 'VJ2']],
    ['no outputs', '{"room":{"name":"show"}}', 'show', []],
    ['outputs that are not strings are left out', '{"room":{"name":"show"},"outputs":["VJ1",2,null]}', 'show', ['VJ1']],
    ['a room name that is not a string', '{"room":{"name":7},"outputs":[]}', null, []],
    ['not JSON', 'room=show', null, []],
    ['JSON null', 'null', null, []],
  ])('%s', (_name, context, room, outputs) => {
    expect(toProcessorView(processor(context))).toMatchObject({ room, outputs });
  });
});
