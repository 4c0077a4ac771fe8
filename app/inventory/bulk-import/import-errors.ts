// Why a file cannot be imported at all (as opposed to rows in it being invalid):
// the route answers these with their status, the job records them as FAILED.

export class ImportInputError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413,
  ) {
    super(message);
    this.name = "ImportInputError";
  }
}

/** Not readable as the format it claims: bad CSV quoting, no header, invalid JSON, no rows. */
export class UnreadableFileError extends ImportInputError {
  constructor(message: string) {
    super(message, 400);
    this.name = "UnreadableFileError";
  }
}

export class FileTooLargeError extends ImportInputError {
  constructor(maxBytes: number) {
    super(`The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB: split it into smaller files.`, 413);
    this.name = "FileTooLargeError";
  }
}
