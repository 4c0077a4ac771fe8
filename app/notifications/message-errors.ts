// Errors of the messages service, each with the HTTP status a route answers with.

/** 404: no such message in this shop. */
export class MessageNotFoundError extends Error {
  readonly status = 404;
  readonly code = "message_not_found";
  constructor(messageId: string) {
    super(`No message "${messageId}" in this shop.`);
    this.name = "MessageNotFoundError";
  }
}

/** 409: only a FAILED message can be sent again. */
export class MessageNotResendableError extends Error {
  readonly status = 409;
  readonly code = "message_not_resendable";
  constructor(
    messageId: string,
    readonly currentStatus: string,
  ) {
    super(`Message "${messageId}" is ${currentStatus}: only a failed message can be resent.`);
    this.name = "MessageNotResendableError";
  }
}

/** The message cannot be rendered or addressed: retrying will not help (the job fails at once). */
export class MessageNotSendableError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = "MessageNotSendableError";
  }
}
