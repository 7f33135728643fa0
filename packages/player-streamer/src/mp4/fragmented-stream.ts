/**
 * Reads a fragmented MP4 stream as ffmpeg writes it with
 * `-movflags +frag_keyframe+empty_moov+default_base_moof`:
 *
 *   ftyp moov (moof mdat)*   — other top-level boxes (styp, sidx, free, mfra, …) are skipped.
 *
 * `push` returns the init section once `moov` has arrived, then one `fragment` per complete
 * moof+mdat pair. A `moof` is held back until its `mdat` is complete, so a writer killed
 * mid-fragment loses that whole fragment and nothing else. Any error is final.
 */
import { Mp4ParseError } from '../errors.js';
import { BoxSplitter, type Mp4Box, type SplitterEnd } from './box-splitter.js';
import { summarizeFragment, type FragmentSummary } from './fragment-summary.js';
import { parseMoof } from './moof.js';
import { parseMoov, type MovieInfo } from './moov.js';

export interface InitSection {
  readonly kind: 'init';
  /** ftyp and moov, in order: the bytes of an HLS init segment (EXT-X-MAP). */
  readonly boxes: readonly Buffer[];
  readonly movie: MovieInfo;
}

export interface Fragment {
  readonly kind: 'fragment';
  /** moof and mdat, in order. */
  readonly boxes: readonly [Buffer, Buffer];
  readonly byteLength: number;
  readonly summary: FragmentSummary;
}

export type StreamItem = InitSection | Fragment;

export interface FragmentedStreamOptions {
  readonly maxBoxSize?: number;
}

type Expect = 'ftyp' | 'moov' | 'moof' | 'mdat';

const unexpected = (box: Mp4Box, expected: Expect): Mp4ParseError =>
  new Mp4ParseError('ERR_MP4_UNEXPECTED_BOX', `unexpected ${box.type} box, expected ${expected}`, {
    boxType: box.type,
    offset: box.offset,
  });

export class FragmentedStream {
  readonly #splitter: BoxSplitter;
  #expect: Expect = 'ftyp';
  #ftyp: Buffer | undefined;
  #movie: MovieInfo | undefined;
  #moof: { box: Mp4Box; summary: FragmentSummary } | undefined;

  constructor(options: FragmentedStreamOptions = {}) {
    this.#splitter = new BoxSplitter(options.maxBoxSize === undefined ? {} : { maxBoxSize: options.maxBoxSize });
  }

  get movie(): MovieInfo | undefined {
    return this.#movie;
  }

  get bytesReceived(): number {
    return this.#splitter.bytesReceived;
  }

  /** Adds bytes; throws `Mp4ParseError` on anything that is not a valid fragmented MP4 stream. */
  push(chunk: Buffer): StreamItem[] {
    const items: StreamItem[] = [];
    for (const box of this.#splitter.push(chunk)) {
      const item = this.#accept(box);
      if (item) items.push(item);
    }
    return items;
  }

  /** Ends the stream: reports what an incomplete tail (including a moof without its mdat) dropped. */
  end(): SplitterEnd {
    const tail = this.#splitter.end();
    if (!this.#moof) return tail;
    const moofBytes = this.#moof.box.size;
    this.#moof = undefined;
    return { droppedBytes: tail.droppedBytes + moofBytes, droppedType: tail.droppedType ?? 'moof' };
  }

  #accept(box: Mp4Box): StreamItem | undefined {
    try {
      return this.#acceptBox(box);
    } catch (error) {
      throw error instanceof Mp4ParseError ? error.at(box.offset) : error;
    }
  }

  #acceptBox(box: Mp4Box): StreamItem | undefined {
    switch (this.#expect) {
      case 'ftyp':
        if (box.type !== 'ftyp') throw unexpected(box, 'ftyp');
        this.#ftyp = box.bytes;
        this.#expect = 'moov';
        return undefined;
      case 'moov': {
        if (box.type !== 'moov' || !this.#ftyp) throw unexpected(box, 'moov');
        const movie = parseMoov(box.bytes);
        if (!movie.fragmented) {
          throw new Mp4ParseError('ERR_MP4_UNSUPPORTED', 'moov has no mvex: not a fragmented MP4 (use -movflags +frag_keyframe+empty_moov)', {
            boxType: 'moov',
          });
        }
        this.#movie = movie;
        this.#expect = 'moof';
        return { kind: 'init', boxes: [this.#ftyp, box.bytes], movie };
      }
      case 'moof': {
        if (box.type !== 'moof' || !this.#movie) throw unexpected(box, 'moof');
        const summary = summarizeFragment(parseMoof(box.bytes), this.#movie);
        if (summary.hasAbsoluteOffsets) {
          throw new Mp4ParseError('ERR_MP4_UNSUPPORTED', 'tfhd base-data-offset is absolute: fragments cannot be moved (use -movflags default_base_moof)', {
            boxType: 'tfhd',
          });
        }
        this.#moof = { box, summary };
        this.#expect = 'mdat';
        return undefined;
      }
      case 'mdat': {
        const moof = this.#moof;
        if (box.type !== 'mdat' || !moof) throw unexpected(box, 'mdat');
        this.#moof = undefined;
        this.#expect = 'moof';
        return { kind: 'fragment', boxes: [moof.box.bytes, box.bytes], byteLength: moof.box.size + box.size, summary: moof.summary };
      }
    }
  }
}
