import type { TrackInfo } from '@onair/protocol';
import { describe, expect, test } from 'vitest';
import { TrackMatcher } from './track-matcher.js';

const info = (sid: string, streamId: string, kind: TrackInfo['kind'] = 'video'): TrackInfo => ({
  sid,
  name: `n-${sid}`,
  kind,
  enabled: true,
  streamId,
});

describe('TrackMatcher', () => {
  test('info first, then media: media returns the info', () => {
    const m = new TrackMatcher<string>();
    expect(m.addInfo(info('MT1', 's1'))).toBeUndefined();
    expect(m.addMedia('s1', 'media-1')).toEqual(info('MT1', 's1'));
  });

  test('media first, then info: info returns the media', () => {
    const m = new TrackMatcher<string>();
    expect(m.addMedia('s1', 'media-1')).toBeUndefined();
    expect(m.unmatchedMedia()).toEqual(['media-1']);
    expect(m.addInfo(info('MT1', 's1'))).toBe('media-1');
    expect(m.unmatchedMedia()).toEqual([]);
  });

  test('does not cross-match different streams', () => {
    const m = new TrackMatcher<string>();
    m.addMedia('s2', 'media-2');
    expect(m.addInfo(info('MT1', 's1'))).toBeUndefined();
    expect(m.addMedia('s3', 'media-3')).toBeUndefined();
    expect(m.unmatchedMedia().sort()).toEqual(['media-2', 'media-3']);
  });

  test('later media for the same stream replaces the earlier one', () => {
    const m = new TrackMatcher<string>();
    m.addInfo(info('MT1', 's1'));
    m.addMedia('s1', 'old');
    expect(m.addMedia('s1', 'new')).toEqual(info('MT1', 's1'));
    expect(m.removeInfo('s1')).toBe('new');
  });

  test('removeInfo forgets both sides', () => {
    const m = new TrackMatcher<string>();
    m.addInfo(info('MT1', 's1'));
    m.addMedia('s1', 'media-1');
    expect(m.removeInfo('s1')).toBe('media-1');
    expect(m.infoBySid('MT1')).toBeUndefined();
    expect(m.addMedia('s1', 'again')).toBeUndefined();
  });

  test('removeMedia only removes the same media object', () => {
    const m = new TrackMatcher<string>();
    m.addMedia('s1', 'a');
    expect(m.removeMedia('s1', 'b')).toBe(false);
    expect(m.removeMedia('s1', 'a')).toBe(true);
    expect(m.addInfo(info('MT1', 's1'))).toBeUndefined();
  });

  test('infoBySid and clear', () => {
    const m = new TrackMatcher<string>();
    m.addInfo(info('MT1', 's1'));
    m.addInfo(info('MT2', 's2', 'audio'));
    m.addMedia('s2', 'x');
    m.addMedia('s9', 'y');
    expect(m.infoBySid('MT2')?.streamId).toBe('s2');
    expect(m.clear().sort()).toEqual(['x', 'y']);
    expect(m.infoBySid('MT1')).toBeUndefined();
  });
});
