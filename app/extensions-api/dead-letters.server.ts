// The block's Retry on a job that used up its attempts: the Jobs page's retry, answered
// as JSON for the extension.
import { DeadLetterNotFoundError, DeadLetterNotRetryableError, retryDeadLetter } from "../jobs/dead-letters.server";
import { QueueUnavailableError } from "../jobs/queues.server";
import type { ExtensionContext } from "./context.server";
import { answer, errorAnswer, type Answer } from "./responses";

export async function retryFromExtension(context: ExtensionContext, id: string): Promise<Answer> {
  try {
    const { jobId } = await retryDeadLetter(context.db, id, { type: "USER", id: context.userId });
    return answer(200, { jobId });
  } catch (error) {
    // Unknown, another shop's, or already retried/discarded: 404; not re-enqueueable: 409.
    if (error instanceof DeadLetterNotFoundError || error instanceof DeadLetterNotRetryableError) return errorAnswer(error.status, error.message);
    if (error instanceof QueueUnavailableError) return errorAnswer(503, "Rappit's job queue does not answer right now. Try again in a minute.", { "Retry-After": "60" });
    throw error;
  }
}
