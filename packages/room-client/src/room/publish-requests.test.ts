import type { PublishMessage, TrackInfo } from '@onair/protocol';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { PublishRequests } from './publish-requests.js';

const describeTrack = (streamId: string) => ({ name: `t-${streamId}`, kind: 'audio' as const, enabled: true, streamId });
const info = (streamId: string, sid = `MT-${streamId}`): TrackInfo => ({ ...describeTrack(streamId), sid });

describe('PublishRequests', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('published resolves the matching request', async () => {
    const requests = new PublishRequests(1000);
    const sent: PublishMessage[] = [];
    const promise = requests.request(describeTrack('s1'), (m) => sent.push(m));
    expect(sent).toHaveLength(1);
    expect(requests.hasStream('s1')).toBe(true);
    expect(requests.resolve('other', info('s1'))).toBe(false);
    expect(requests.resolve(sent[0]!.requestId, info('s1'))).toBe(true);
    await expect(promise).resolves.toEqual(info('s1'));
    expect(requests.size).toBe(0);
  });

  test('times out with 53002', async () => {
    const requests = new PublishRequests(1000);
    const promise = requests.request(describeTrack('s1'), () => {});
    const assertion = expect(promise).rejects.toMatchObject({ code: 53002 });
    vi.advanceTimersByTime(1000);
    await assertion;
    expect(requests.size).toBe(0);
  });

  test('settleFromServer resolves listed tracks and resends the others', async () => {
    const requests = new PublishRequests(1000);
    const sent: PublishMessage[] = [];
    const a = requests.request(describeTrack('a'), (m) => sent.push(m));
    void requests.request(describeTrack('b'), (m) => sent.push(m));
    const resent: PublishMessage[] = [];
    requests.settleFromServer([info('a', 'MT-new')], (m) => resent.push(m));
    await expect(a).resolves.toMatchObject({ sid: 'MT-new' });
    expect(resent).toEqual([sent[1]]);
    expect(requests.hasStream('b')).toBe(true);
  });

  test('rejectAll rejects every request', async () => {
    const requests = new PublishRequests(1000);
    const a = requests.request(describeTrack('a'), () => {});
    const b = requests.request(describeTrack('b'), () => {});
    requests.rejectAll(new Error('gone') as never);
    await expect(a).rejects.toThrow('gone');
    await expect(b).rejects.toThrow('gone');
  });
});
