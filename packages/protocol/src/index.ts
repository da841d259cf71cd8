export * from './signature.js';
export * from './request.js';
export * from './body.js';
export * from './date-param.js';
export * from './response.js';
export * from './receipt.js';
export * from './message-template.js';
