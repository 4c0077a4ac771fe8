// The bulk stock import's door: the service, the page's job, and what routes need to answer.
export { FileTooLargeError, ImportInputError, UnreadableFileError } from "./import-errors";
export { MAX_IMPORT_BYTES } from "./import-limits";
export type { ByteSource, ImportFormat, RowError } from "./import-types";
export { importStock, type ImportStockInput, type ImportStockResult } from "./import-stock.server";
export { IMPORT_FILE_JOB } from "../job-names";
export { PROGRESS_EVERY, queueInventoryImport, runInventoryImportFile, type ImportJobResult, type QueueImportInput } from "./import-job.server";
export { importFormatOf, limitedBody } from "./request-body";
