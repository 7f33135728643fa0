// hls.js ships no typings for its light build (`hls.js/light`); its API is the full build's.
declare module 'hls.js/light' {
  import Hls from 'hls.js';
  export default Hls;
}
