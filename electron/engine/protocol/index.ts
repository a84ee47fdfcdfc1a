/** The protocol folder's entry point: the session layer API (session.ts). */
export * from './session.js';
