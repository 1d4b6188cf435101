export { renderJson } from './json';
export { renderText, useColor, type TextOptions } from './text';
export { renderMarkdown } from './markdown';
export { renderJunit } from './junit';
export { describeFinding } from './describe';

export const FORMATS = ['text', 'json', 'markdown', 'junit'] as const;
export type Format = (typeof FORMATS)[number];
