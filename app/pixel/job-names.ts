// The pixel's job names, in a module with no imports, so schedules can name them cheaply.
/** Daily on the `sync` queue: deletes pixel events past their retention. */
export const PURGE_EVENTS_JOB = "pixel.purge-events";
