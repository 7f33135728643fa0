export { RoomServer } from './room-server.js';
export { ROOM_SERVER_DEFAULTS } from './room-server-options.js';
export type { RoomServerOptions, RoomsLogger } from './room-server-options.js';
export type { RoomsBackend, RoomRef, AuthenticatedToken } from './backend.js';
export { RoomsError } from './errors.js';
export { parseClientMessage } from './messages.js';
export { SIGNALING_BUDGET_DEFAULTS } from './socket-budget.js';
export type { SignalingBudgetOptions, SignalingBudgetKind } from './socket-budget.js';
