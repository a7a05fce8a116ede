export { attachRealtime, type Realtime } from './attach.js';
export type { AuthenticateUpgrade, RealtimeOptions } from './options.js';
export { encodeSocketIo, parseSocketIo } from './socketio.js';
